/*
 * Text0Envelope: qmail-queue's envelope format (QQ-01): F<sender>\0, then T<recipient>\0 per recipient, then one
 * extra \0. Addresses are UTF-8 and may not contain NUL (nor, when written, any other control character: CR or LF
 * would reach a later SMTP session). A file that ends before the final \0 is incomplete and queues nothing, as with
 * qmail-queue (exit 54). Decoding reads the envelope from the front of a stream and leaves the stream at the
 * message; it reads no more than a given bound, so a file that is not an envelope (no NUL in sight) costs bounded
 * memory.
 */
package dev.quail.persistence.maildrop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

final class Text0Envelope {
    /** The envelope's fields and how many bytes it takes at the front of the file. */
    record Parsed(String sender, List<String> recipients, long length) {
    }

    private Text0Envelope() {
    }

    static byte[] encode(String sender, List<String> recipients) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        record(out, 'F', sender);
        for (String recipient : recipients) {
            record(out, 'T', recipient);
        }
        out.write(0);
        return out.toByteArray();
    }

    /**
     * Reads the envelope at the front of {@code in}, leaving {@code in} just after it; IllegalArgumentException says
     * what is wrong, including an envelope longer than {@code maxBytes}.
     */
    static Parsed decode(InputStream in, long maxBytes) throws IOException {
        Reader reader = new Reader(in, maxBytes);
        if (reader.next() != 'F') {
            throw new IllegalArgumentException("envelope does not start with an F record");
        }
        String sender = reader.address();
        List<String> recipients = new ArrayList<>();
        while (true) {
            int tag = reader.next();
            if (tag == 0) {
                return new Parsed(sender, recipients, reader.count);
            }
            if (tag == -1) {
                throw new IllegalArgumentException("envelope ends before its final NUL");
            }
            if (tag != 'T') {
                throw new IllegalArgumentException("record at byte " + (reader.count - 1)
                        + " is neither T nor the final NUL");
            }
            recipients.add(reader.address());
        }
    }

    private static void record(ByteArrayOutputStream out, char tag, String address) {
        byte[] utf8 = address.getBytes(StandardCharsets.UTF_8);
        for (byte b : utf8) {
            // NUL would end the record; CR, LF and the other control characters would reach a later SMTP session.
            if ((b >= 0 && b < 0x20) || b == 0x7f) {
                throw new IllegalArgumentException("address contains a control character: "
                        + address.replaceAll("\\p{Cntrl}", "?"));
            }
        }
        out.write(tag);
        out.writeBytes(utf8);
        out.write(0);
    }

    /** Reads an envelope's bytes one at a time, counting them against the bound. */
    private static final class Reader {
        private final InputStream in;
        private final long maxBytes;
        private long count;

        Reader(InputStream in, long maxBytes) {
            this.in = in;
            this.maxBytes = maxBytes;
        }

        /** The next byte, or -1 at the end of the file. */
        int next() throws IOException {
            if (count == maxBytes) {
                throw new IllegalArgumentException("envelope longer than " + maxBytes + " bytes");
            }
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        /** The address up to the next NUL, which is consumed. */
        String address() throws IOException {
            ByteArrayOutputStream utf8 = new ByteArrayOutputStream();
            for (int b = next(); b != 0; b = next()) {
                if (b == -1) {
                    throw new IllegalArgumentException("envelope ends inside a record");
                }
                utf8.write(b);
            }
            return utf8.toString(StandardCharsets.UTF_8);
        }
    }
}
