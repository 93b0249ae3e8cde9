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

import java.util.Objects;

public final class DataEncoder {
    private static final byte[] END = {'.', '\r', '\n'};

    private boolean lineStart = true;
    private boolean afterCr;

    /** Encodes {@code bytes[offset, offset + length)}; the result is at most twice as long. */
    public byte[] encode(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length == 0) return new byte[0];
        int end = offset + length;
        // Two walks, the first only counting, so the result is allocated once at its size: with 100 KiB pieces,
        // a byte-at-a-time copy into a twice-as-long buffer was a sixth of a relayed message's CPU.
        byte[] out = new byte[walk(bytes, offset, end, null)];
        walk(bytes, offset, end, out);
        lineStart = bytes[end - 1] == '\n';
        afterCr = bytes[end - 1] == '\r';
        return out;
    }

    /**
     * Copies the piece into {@code out} line by line (runs between LFs in one arraycopy each), or only counts
     * when {@code out} is null; returns the encoded length. Reads the state left by the pieces before.
     */
    private int walk(byte[] in, int offset, int end, byte[] out) {
        int n = 0;
        int from = offset;
        if (lineStart && in[offset] == '.') n = put(out, n, (byte) '.');
        for (int lf = nextLf(in, offset, end); lf < end; lf = nextLf(in, lf + 1, end)) {
            n = copy(in, from, lf, out, n);
            boolean crBefore = lf == offset ? afterCr : in[lf - 1] == '\r';
            if (!crBefore) n = put(out, n, (byte) '\r');
            n = put(out, n, (byte) '\n');
            from = lf + 1;
            if (from < end && in[from] == '.') n = put(out, n, (byte) '.');
        }
        return copy(in, from, end, out, n);
    }

    private static int nextLf(byte[] in, int from, int end) {
        int i = from;
        while (i < end && in[i] != '\n') i++;
        return i;
    }

    private static int put(byte[] out, int n, byte b) {
        if (out != null) out[n] = b;
        return n + 1;
    }

    private static int copy(byte[] in, int from, int to, byte[] out, int n) {
        if (out != null) System.arraycopy(in, from, out, n, to - from);
        return n + to - from;
    }

    /** The end of data indicator; IllegalStateException when the message's last line had no LF. */
    public byte[] finish() {
        if (!lineStart) throw new IllegalStateException("the message ends in a partial line");
        return END.clone();
    }
}
