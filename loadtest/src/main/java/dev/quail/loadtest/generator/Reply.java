/*
 * Reply: one complete SMTP reply as the client sees it (RFC 5321 4.2): the three-digit code and its
 * lines' texts (code and separator removed). A line that does not start with three digits gives
 * code 0, which the session treats as a protocol failure.
 */
package dev.quail.loadtest.generator;

import java.util.List;

record Reply(int code, List<String> lines) {

    Reply {
        lines = List.copyOf(lines);
    }

    boolean positive() {
        return code >= 200 && code < 300;
    }

    /** The reply as one line for a report: "550 no such user". */
    String summary() {
        return code + " " + (lines.isEmpty() ? "" : lines.get(lines.size() - 1));
    }
}
