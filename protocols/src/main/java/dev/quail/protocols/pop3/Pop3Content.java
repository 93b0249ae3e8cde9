/*
 * Pop3Content: a stored message (LF line ends, as in a Maildir) as RETR and TOP send it (POP-14, RFC 1939 §3), encoded
 * a piece at a time as the file is read, so no message is ever held whole. Every line goes out with CRLF (a CR
 * already before the LF is not doubled, which takes one byte of look-ahead across pieces); a line starting with '.'
 * gets another '.'; the final ".\r\n" follows. TOP n k sends the header, the blank line and the first k body lines
 * (qmail's count: TOP n 0 is the header and the blank line), and says when it wants no more input.
 *
 * Departure from qmail-pop3d: qmail also sends an extra empty line before the final dot, "to work around client
 * bugs" of the 1990s. Quail sends the message exactly, so that RETR delivers {@link #octets} octets (before
 * dot-stuffing), the size LIST and STAT announced; qmail's sizes counted bytes on disk (LF), which RFC 1939 clients
 * comparing sizes see as wrong. The size is counted by the same encoding, from the file in pieces.
 */
package dev.quail.protocols.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

public final class Pop3Content {
    /** POP-13: the reply when the message's file cannot be read. */
    public static final String UNABLE_TO_OPEN = "-ERR unable to open that message\r\n";
    /** How much of a file is read, and encoded, at a time. */
    public static final int PIECE = 64 * 1024;

    private static final byte[] OK = "+OK \r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = ".\r\n".getBytes(StandardCharsets.US_ASCII);

    private Pop3Content() {}

    /** The size a client is told and will receive: every line with CRLF, dot-stuffing not counted. */
    public static long octets(InputStream message) throws IOException {
        Encoder sizing = new Encoder(-1, true);
        byte[] piece = new byte[PIECE];
        for (int n = message.read(piece); n >= 0; n = message.read(piece)) sizing.encode(piece, 0, n);
        sizing.finish();
        return sizing.octets;
    }

    /** RETR ({@code bodyLines} -1) or TOP's encoding of one message, fed in pieces. */
    public static Encoder encoder(long bodyLines) {
        return new Encoder(bodyLines, false);
    }

    /** One message on its way out. Not thread-safe: one message, one caller at a time. */
    public static final class Encoder {
        private final boolean sizing;
        private long left;
        private long octets;
        private byte[] out = new byte[0];
        private int length;
        private boolean lineStart = true;
        private boolean lineEmpty;
        private boolean pendingCr;
        private boolean inHeader = true;
        private boolean done;

        private Encoder(long bodyLines, boolean sizing) {
            this.left = bodyLines;
            this.sizing = sizing;
        }

        /** "+OK ", before the message. */
        public byte[] start() {
            return OK.clone();
        }

        /** The encoding of {@code bytes[offset, offset + count)}, the next piece of the message. */
        public byte[] encode(byte[] bytes, int offset, int count) {
            room(2 * count);
            for (int i = offset; i < offset + count && !done; i++) step(bytes[i]);
            return take();
        }

        /** TOP has sent all it was asked for: the rest of the message need not be read. */
        public boolean done() {
            return done;
        }

        /** The end of a last line without its LF, and the final dot. */
        public byte[] finish() {
            room(3 + END.length);
            if (!done && !lineStart) {
                if (pendingCr) emit((byte) '\r'); // as qmail-pop3d: a CR ending a partial last line is content
                emit((byte) '\r');
                emit((byte) '\n');
            }
            done = true;
            if (!sizing) for (byte b : END) out[length++] = b;
            return take();
        }

        private void step(byte b) {
            if (lineStart) {
                if (!inHeader && left >= 0 && left-- == 0) {
                    done = true;
                    return;
                }
                lineStart = false;
                lineEmpty = true;
                if (b == '.' && !sizing) out[length++] = '.';
            }
            if (b == '\n') {
                if (lineEmpty) inHeader = false;
                pendingCr = false;
                emit((byte) '\r');
                emit((byte) '\n');
                lineStart = true;
                return;
            }
            if (pendingCr) {
                emit((byte) '\r');
                lineEmpty = false;
            }
            pendingCr = b == '\r';
            if (!pendingCr) {
                emit(b);
                lineEmpty = false;
            }
        }

        private void emit(byte b) {
            if (sizing) {
                octets++;
            } else {
                out[length++] = b;
            }
        }

        /** Room for {@code needed} more output bytes (an input byte becomes at most two: CRLF, or a stuffed dot). */
        private void room(int needed) {
            if (!sizing && out.length - length < needed) out = Arrays.copyOf(out, length + needed);
        }

        private byte[] take() {
            byte[] piece = Arrays.copyOf(out, length);
            length = 0;
            return piece;
        }
    }
}
