/*
 * MessageField: the message netstring of a QMTP package or QMQP request, stored after the Received line and handed
 * on in pieces as it arrives (MessagePieces), never held whole.
 *
 * QMTP-03 (QMTP only): the first byte is the encoding: '\n' = the message has LF line ends and is copied as it is;
 *         '\r' = CRLF line ends, each CRLF stored as LF (a CR not followed by LF stays). Anything else, and an empty
 *         message (QMTP-02), is a protocol violation.
 * QMTP-05 databytes counts stored octets, the Received line and the encoding byte excluded; 0 = unlimited. The
 *         first octet beyond it makes the message too big; the session then discards it and reads on to the end.
 */
package dev.quail.protocols.qmtp;

import dev.quail.protocols.smtp.MessagePieces;

final class MessageField {
    private enum Encoding { UNKNOWN, LF, CRLF }

    final MessagePieces pieces;
    private Encoding encoding;
    private boolean pendingCr;

    private MessageField(byte[] prefix, long databytes, Encoding encoding) {
        this.pieces = new MessagePieces(prefix, databytes);
        this.encoding = encoding;
    }

    /** A QMTP message: an encoding byte first; {@code declaredLength} 0 is refused. */
    static MessageField qmtp(byte[] prefix, long databytes, long declaredLength) throws NetstringException {
        if (declaredLength == 0) throw NetstringException.syntax("empty QMTP message");
        return new MessageField(prefix, databytes, Encoding.UNKNOWN);
    }

    /** A QMQP message: LF line ends, no encoding byte, no size limit. */
    static MessageField qmqp(byte[] prefix) {
        return new MessageField(prefix, 0, Encoding.LF);
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
        if (encoding == Encoding.LF) {
            pieces.put(b, i, end);
            return;
        }
        for (; i < end; i++) {
            byte c = b[i];
            if (pendingCr) {
                pendingCr = false;
                if (c != '\n') pieces.put((byte) '\r');
            }
            if (c == '\r') pendingCr = true;
            else pieces.put(c);
        }
    }

    /** The netstring is over: a CR it ended with is part of the message. */
    void end() {
        if (pendingCr) {
            pendingCr = false;
            pieces.put((byte) '\r');
        }
    }
}
