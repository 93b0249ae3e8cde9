/*
 * ReplyReader: joins reply lines into replies (RFC 5321 4.2.1): "250-..." continues a reply, "250 ..."
 * (or a bare "250") ends it. Lines come without their line end.
 */
package dev.quail.loadtest.generator;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

final class ReplyReader {

    private final List<String> lines = new ArrayList<>();

    /** The reply this line completes, if it does. */
    Optional<Reply> line(String line) {
        int code = code(line);
        if (code == 0) {
            lines.clear();
            return Optional.of(new Reply(0, List.of(line)));
        }
        lines.add(line.length() > 4 ? line.substring(4) : "");
        if (line.length() > 3 && line.charAt(3) == '-') {
            return Optional.empty();
        }
        Reply reply = new Reply(code, lines);
        lines.clear();
        return Optional.of(reply);
    }

    private static int code(String line) {
        if (line.length() < 3 || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
            return 0;
        }
        int code = 0;
        for (int i = 0; i < 3; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                return 0;
            }
            code = code * 10 + (c - '0');
        }
        return code < 100 ? 0 : code;
    }
}
