/*
 * Text0Envelope: qmail-queue's envelope format (QQ-01): F<sender>\0, then
 * T<recipient>\0 per recipient, then one extra \0. Addresses are UTF-8 and may
 * not contain NUL. A file that ends before the final \0 is incomplete and
 * queues nothing, as with qmail-queue (exit 54).
 */
package dev.quail.persistence.maildrop;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

final class Text0Envelope {
    /** The envelope's fields and where the message starts in the file. */
    record Parsed(String sender, List<String> recipients, int end) {
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

    /** Parses the envelope at the start of {@code file}; IllegalArgumentException says what is wrong. */
    static Parsed decode(byte[] file) {
        if (file.length == 0 || file[0] != 'F') {
            throw new IllegalArgumentException("envelope does not start with an F record");
        }
        int end = nul(file, 1);
        String sender = new String(file, 1, end - 1, StandardCharsets.UTF_8);
        List<String> recipients = new ArrayList<>();
        int pos = end + 1;
        while (true) {
            if (pos >= file.length) {
                throw new IllegalArgumentException("envelope ends before its final NUL");
            }
            if (file[pos] == 0) {
                return new Parsed(sender, recipients, pos + 1);
            }
            if (file[pos] != 'T') {
                throw new IllegalArgumentException("record at byte " + pos + " is neither T nor the final NUL");
            }
            end = nul(file, pos + 1);
            recipients.add(new String(file, pos + 1, end - pos - 1, StandardCharsets.UTF_8));
            pos = end + 1;
        }
    }

    private static void record(ByteArrayOutputStream out, char tag, String address) {
        byte[] utf8 = address.getBytes(StandardCharsets.UTF_8);
        for (byte b : utf8) {
            if (b == 0) {
                throw new IllegalArgumentException("address contains NUL: " + address);
            }
        }
        out.write(tag);
        out.writeBytes(utf8);
        out.write(0);
    }

    private static int nul(byte[] file, int from) {
        for (int i = from; i < file.length; i++) {
            if (file[i] == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("envelope ends inside a record");
    }
}
