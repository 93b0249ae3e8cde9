/*
 * MessageField: the message netstring of a QMTP package or QMQP request, stored after the Received line.
 *
 * QMTP-03 (QMTP only): the first byte is the encoding: '\n' = the message has LF line ends and is copied as it is;
 *         '\r' = CRLF line ends, each CRLF stored as LF (a CR not followed by LF stays). Anything else, and an empty
 *         message (QMTP-02), is a protocol violation.
 * QMTP-05 databytes counts stored octets, the Received line and the encoding byte excluded; 0 = unlimited. The
 *         first octet beyond it stops storing (memory stays at the limit); reading goes on to the end.
 */
package dev.quail.protocols.qmtp;

import java.util.Arrays;

final class MessageField {
    private enum Encoding { UNKNOWN, LF, CRLF }

    private final long databytes;
    private final int prefixLength;
    private Encoding encoding;
    private byte[] buffer;
    private int length;
    private boolean pendingCr;
    private boolean tooBig;

    private MessageField(byte[] prefix, long databytes, Encoding encoding, long declaredLength) {
        this.databytes = databytes;
        this.prefixLength = prefix.length;
        this.encoding = encoding;
        long expected = databytes > 0 ? Math.min(declaredLength, databytes + 1) : declaredLength;
        this.buffer = Arrays.copyOf(prefix, prefix.length + (int) Math.min(expected, 1 << 20));
        this.length = prefix.length;
    }

    /** A QMTP message: an encoding byte first; {@code declaredLength} 0 is refused. */
    static MessageField qmtp(byte[] prefix, long databytes, long declaredLength) throws NetstringException {
        if (declaredLength == 0) throw NetstringException.syntax("empty QMTP message");
        return new MessageField(prefix, databytes, Encoding.UNKNOWN, declaredLength);
    }

    /** A QMQP message: LF line ends, no encoding byte, no size limit. */
    static MessageField qmqp(byte[] prefix, long declaredLength) {
        return new MessageField(prefix, 0, Encoding.LF, declaredLength);
    }

    void append(byte[] b, int offset, int count) throws NetstringException {
        int i = offset;
        int end = offset + count;
        if (encoding == Encoding.UNKNOWN && i < end) {
            byte flag = b[i++];
            if (flag == '\n') encoding = Encoding.LF;
            else if (flag == '\r') encoding = Encoding.CRLF;
            else throw NetstringException.syntax("unknown QMTP message encoding");
        }
        for (; i < end; i++) {
            byte c = b[i];
            if (encoding == Encoding.CRLF) {
                if (pendingCr) {
                    pendingCr = false;
                    if (c != '\n') put((byte) '\r');
                }
                if (c == '\r') {
                    pendingCr = true;
                    continue;
                }
            }
            put(c);
        }
    }

    boolean tooBig() {
        return tooBig;
    }

    byte[] bytes() {
        if (pendingCr) {
            pendingCr = false;
            put((byte) '\r');
        }
        return Arrays.copyOf(buffer, length);
    }

    private void put(byte c) {
        if (tooBig) return;
        if (databytes > 0 && length - prefixLength >= databytes) {
            tooBig = true;
            return;
        }
        if (length == buffer.length) buffer = Arrays.copyOf(buffer, Math.max(16, buffer.length * 2));
        buffer[length++] = c;
    }
}
