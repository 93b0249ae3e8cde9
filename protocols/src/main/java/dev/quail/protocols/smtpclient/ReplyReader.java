/*
 * ReplyReader: cuts the bytes a server sends into replies (RFC 5321 4.2; qmail-remote's smtpcode(),
 * REM-12). A line ends at LF (a CR before it is dropped, as every CR is); a line whose fourth octet is
 * '-' (after three digits) continues the reply. Text beyond Reply.MAX_TEXT octets is read and thrown away, so a peer that
 * never ends its line costs no memory. Not thread-safe: one connection, one caller.
 */
package dev.quail.protocols.smtpclient;

import java.util.ArrayList;
import java.util.List;

final class ReplyReader {
    private final StringBuilder text = new StringBuilder();
    /** The first four octets of the current line: its code and separator. */
    private final char[] head = new char[4];
    /** Octets in the current line, counted up to one more than the head holds. */
    private int lineLength;
    /** The code of the reply being read; -1 before its first line ends. */
    private int code = -1;

    List<Reply> feed(byte[] bytes, int offset, int length) {
        List<Reply> replies = new ArrayList<>();
        for (int i = offset; i < offset + length; i++) {
            char c = (char) (bytes[i] & 0xff);
            if (c == '\r') continue;
            if (c == '\n') {
                endLine(replies);
                continue;
            }
            if (lineLength < head.length) head[lineLength] = c;
            if (lineLength <= head.length) lineLength++;
            append(c == 0 ? '?' : c);
        }
        return replies;
    }

    private void endLine(List<Reply> replies) {
        int lineCode = lineLength >= 3 ? codeOf(head) : -1;
        if (code < 0) code = lineCode < 0 ? Reply.MALFORMED : lineCode;
        boolean more = lineLength >= 4 && head[3] == '-' && lineCode >= 0;
        lineLength = 0;
        if (more) {
            append('\n');
            return;
        }
        replies.add(new Reply(code, text.toString()));
        text.setLength(0);
        code = -1;
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
