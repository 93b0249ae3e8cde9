/*
 * MboxFormat: a message as one entry of an mbox file (QMAIL-REFERENCE MBOX-03, M2MBOX-01; mbox(5) "mboxrd").
 *
 * After the entry's From_ line come the message's lines; a line matching ^>*From gets one more '>' in
 * front (so a reader can undo it exactly), a last line without a newline gets one, and one empty line ends
 * the entry. qmail-local and maildir2mbox write entries the same way.
 *
 * Quoting writes a message given in pieces of any size, as it is read: whether a line needs its '>' is known
 * only once ">*From " is complete or broken, so until then it holds back the line's start, which is a count of
 * '>' and at most four octets of "From": an entry costs no more heap than its pieces, whatever its lines.
 */
package dev.quail.persistence.mbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

public final class MboxFormat {
    private static final byte[] FROM = {'F', 'r', 'o', 'm', ' '};

    private MboxFormat() {
    }

    /** Appends {@code message}, quoted and terminated as above, to {@code out}. */
    public static void appendMessage(ByteArrayOutputStream out, byte[] message) {
        try {
            Quoting entry = new Quoting(out);
            entry.write(message, 0, message.length);
            entry.finish();
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
    }

    /** One message's lines on their way into an mbox entry. Not thread-safe: one message, one writer. */
    public static final class Quoting {
        private static final byte[] QUOTES = ">>>>>>>>>>>>>>>>".getBytes(StandardCharsets.US_ASCII);

        private final OutputStream out;
        /** The current line's start is a prefix of ">*From " that has not been written yet. */
        private boolean deciding = true;
        /** '>' at the start of the current line, then octets of "From " after them. */
        private long quotes;
        private int matched;
        /** The current line has octets (written or held back). */
        private boolean lineOpen;

        public Quoting(OutputStream out) {
            this.out = out;
        }

        /** The message's next {@code length} octets. */
        public void write(byte[] bytes, int offset, int length) throws IOException {
            int at = offset;
            int end = offset + length;
            while (at < end) {
                if (deciding) {
                    byte c = bytes[at];
                    if (matched == 0 && c == '>') {
                        quotes++;
                    } else if (c == FROM[matched]) {
                        if (++matched == FROM.length) {
                            out.write('>');
                            release();
                        }
                    } else {
                        release();
                        continue;
                    }
                    lineOpen = true;
                    at++;
                    continue;
                }
                int newline = at;
                while (newline < end && bytes[newline] != '\n') newline++;
                int stop = newline < end ? newline + 1 : end;
                out.write(bytes, at, stop - at);
                lineOpen = newline == end;
                deciding = newline < end;
                at = stop;
            }
        }

        /** The message ended: its last line gets its newline if it had none, and the entry its empty line. */
        public void finish() throws IOException {
            if (deciding) release();
            if (lineOpen) out.write('\n');
            out.write('\n');
        }

        /** Writes what was held back of the line's start; the rest of the line is written as it comes. */
        private void release() throws IOException {
            for (long left = quotes; left > 0; left -= QUOTES.length) {
                out.write(QUOTES, 0, (int) Math.min(left, QUOTES.length));
            }
            out.write(FROM, 0, matched);
            quotes = 0;
            matched = 0;
            deciding = false;
        }
    }
}
