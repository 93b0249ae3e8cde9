/*
 * ReplyReader: cuts the bytes a server sends into replies (RFC 5321 4.2; qmail-remote's smtpcode(),
 * REM-12). A line ends at LF (a CR before it is dropped, as every CR is); a line whose fourth octet is
 * '-' (after three digits) continues the reply. Text beyond Reply.MAX_TEXT octets is read and thrown away.
 *
 * What a server can make the client spend is bounded: a reply line may have MAX_LINE octets before its LF
 * (RFC 5321 4.5.3.1.5 allows 512 with the CRLF; Postfix reads up to its line_length_limit, 2048) and a
 * reply MAX_LINES lines. A
 * server past either bound is not speaking SMTP: violation() says how, and nothing more is read. Not
 * thread-safe: one connection, one caller.
 */
package dev.quail.protocols.smtpclient;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

final class ReplyReader {
    static final int MAX_LINE = 2048;
    static final int MAX_LINES = 100;

    private final StringBuilder text = new StringBuilder();
    /** The first four octets of the current line (CRs aside): its code and separator. */
    private final char[] head = new char[4];
    /** Octets in the current line other than CR, counted up to one more than the head holds. */
    private int kept;
    /** Octets in the current line, CRs included, counted up to one more than MAX_LINE. */
    private int octets;
    /** Lines of the reply being read, the current one included. */
    private int lines = 1;
    /** The code of the reply being read; -1 before its first line ends. */
    private int code = -1;
    private String violation;

    List<Reply> feed(byte[] bytes, int offset, int length) {
        List<Reply> replies = new ArrayList<>();
        for (int i = offset; i < offset + length && violation == null; i++) {
            char c = (char) (bytes[i] & 0xff);
            if (c == '\n') {
                endLine(replies);
                continue;
            }
            if (++octets > MAX_LINE) {
                violation = "a reply line longer than " + MAX_LINE + " octets";
                break;
            }
            if (c == '\r') continue;
            if (kept < head.length) head[kept] = c;
            if (kept <= head.length) kept++;
            append(c == 0 ? '?' : c);
        }
        return replies;
    }

    /** Why the server's replies cannot be read any further, once they cannot. */
    Optional<String> violation() {
        return Optional.ofNullable(violation);
    }

    private void endLine(List<Reply> replies) {
        int lineCode = kept >= 3 ? codeOf(head) : -1;
        if (code < 0) code = lineCode < 0 ? Reply.MALFORMED : lineCode;
        boolean more = kept >= 4 && head[3] == '-' && lineCode >= 0;
        kept = 0;
        octets = 0;
        if (more) {
            if (++lines > MAX_LINES) violation = "a reply of more than " + MAX_LINES + " lines";
            append('\n');
            return;
        }
        replies.add(new Reply(code, text.toString()));
        text.setLength(0);
        code = -1;
        lines = 1;
    }

    private void append(char c) {
        if (text.length() < Reply.MAX_TEXT) text.append(c);
    }

    private static int codeOf(char[] head) {
        for (int i = 0; i < 3; i++) {
            if (head[i] < '0' || head[i] > '9') return -1;
        }
        return (head[0] - '0') * 100 + (head[1] - '0') * 10 + (head[2] - '0');
    }
}
