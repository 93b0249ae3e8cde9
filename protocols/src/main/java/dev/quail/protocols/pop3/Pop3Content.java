/*
 * Pop3Content: a stored message (LF line ends, as in a Maildir) as RETR and TOP send it (POP-14, RFC 1939 §3).
 * Every line goes out with CRLF (a CR already before the LF is not doubled); a line starting with '.' gets another
 * '.'; the final ".\r\n" follows. TOP n k sends the header, the blank line and the first k body lines (qmail's
 * count: TOP n 0 is the header and the blank line).
 *
 * Departure from qmail-pop3d: qmail also sends an extra empty line before the final dot, "to work around client
 * bugs" of the 1990s. Quail sends the message exactly, so that RETR delivers {@link #octets} octets (before
 * dot-stuffing), the size LIST and STAT announced; qmail's sizes counted bytes on disk (LF), which RFC 1939 clients
 * comparing sizes see as wrong.
 */
package dev.quail.protocols.pop3;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

public final class Pop3Content {
    /** POP-13: the reply when the message's file cannot be read. */
    public static final String UNABLE_TO_OPEN = "-ERR unable to open that message\r\n";

    private static final byte[] OK = "+OK \r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = ".\r\n".getBytes(StandardCharsets.US_ASCII);

    private Pop3Content() {}

    /** The size a client is told and will receive: every line with CRLF, dot-stuffing not counted. */
    public static long octets(byte[] message) {
        long octets = 0;
        int start = 0;
        while (start < message.length) {
            int lf = indexOf(message, start);
            int lineEnd = lf < 0 ? message.length : lf;
            octets += content(message, start, lineEnd) - start + 2;
            start = lf < 0 ? message.length : lf + 1;
        }
        return octets;
    }

    /** "+OK ", the message (or its first {@code bodyLines} body lines; -1 = all) and the final dot. */
    public static byte[] response(byte[] message, long bodyLines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + message.length / 32 + 16);
        out.writeBytes(OK);
        boolean inHeader = true;
        long left = bodyLines;
        int start = 0;
        while (start < message.length) {
            if (!inHeader && left >= 0 && left-- == 0) break;
            int lf = indexOf(message, start);
            int lineEnd = lf < 0 ? message.length : lf;
            int end = content(message, start, lineEnd);
            if (end == start) inHeader = false;
            else if (message[start] == '.') out.write('.');
            out.write(message, start, end - start);
            out.write('\r');
            out.write('\n');
            start = lf < 0 ? message.length : lf + 1;
        }
        out.writeBytes(END);
        return out.toByteArray();
    }

    /** The end of the line's content: a CR right before the LF belongs to the line end. */
    private static int content(byte[] message, int start, int lineEnd) {
        int lf = lineEnd < message.length ? lineEnd : -1;
        return lf > start && message[lf - 1] == '\r' ? lf - 1 : lineEnd;
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) if (bytes[i] == '\n') return i;
        return -1;
    }
}
