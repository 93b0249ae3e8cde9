/*
 * DataEncoder: a stored message (LF line ends) as the DATA phase sends it (REM-13, RFC 5321 4.5.2), one piece
 * at a time in whatever pieces the store gives: LF becomes CRLF (a CRLF already there stays as it is, as
 * notqmail does), a line starting with '.' gets one more '.', and finish() ends the message with ".\r\n".
 * What a piece needs of the ones before it (whether a line starts here, whether a CR came last) is carried
 * over, so the output is the same however the message is cut. 8-bit octets and long lines are sent as they
 * are. A message whose last line has no LF cannot be sent faithfully: qmail refuses it permanently (#5.6.2),
 * so the session refuses such a Transaction before DATA, and finish() refuses a body that turns out so.
 *
 * One encoder per message; not thread-safe, but it may move between threads with the usual hand-over.
 */
package dev.quail.protocols.smtpclient;

import java.util.Arrays;
import java.util.Objects;

public final class DataEncoder {
    private static final byte[] END = {'.', '\r', '\n'};

    private boolean lineStart = true;
    private boolean afterCr;

    /** Encodes {@code bytes[offset, offset + length)}; the result is at most twice as long. */
    public byte[] encode(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        byte[] out = new byte[length * 2];
        int n = 0;
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (lineStart && b == '.') out[n++] = '.';
            if (b == '\n' && !afterCr) out[n++] = '\r';
            out[n++] = b;
            lineStart = b == '\n';
            afterCr = b == '\r';
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** The end of data indicator; IllegalStateException when the message's last line had no LF. */
    public byte[] finish() {
        if (!lineStart) throw new IllegalStateException("the message ends in a partial line");
        return END.clone();
    }
}
