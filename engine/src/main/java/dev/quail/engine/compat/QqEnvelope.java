package dev.quail.engine.compat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The envelope qmail-queue reads on descriptor 1 (QQ-01, QQ-03): {@code F<sender>\0}, then {@code T<recipient>\0}
 * per recipient, then one more {@code \0}.
 * <ul>
 * <li>the end of input anywhere before that last NUL: nothing is queued, exit 54;</li>
 * <li>a first record that is not F, or a later one that is neither T nor the final NUL: exit 91;</li>
 * <li>an address of more than 1002 bytes (qmail documents 1000 and its buffer takes 1002): exit 11.</li>
 * </ul>
 * Addresses are UTF-8, the encoding of the maildrop they go to.
 */
public record QqEnvelope(String sender, List<String> recipients) {
    static final int MAX_ADDRESS_BYTES = 1002;

    public QqEnvelope {
        recipients = List.copyOf(recipients);
    }

    public static QqEnvelope read(InputStream in) throws QqException {
        try {
            if (next(in) != 'F') throw format("the envelope does not start with an F record");
            String sender = address(in);
            List<String> recipients = new ArrayList<>();
            for (int tag = next(in); tag != 0; tag = next(in)) {
                if (tag != 'T') throw format("an envelope record is neither T nor the final NUL");
                recipients.add(address(in));
            }
            return new QqEnvelope(sender, recipients);
        } catch (IOException e) {
            throw new QqException(QqException.READ_ERROR, "unable to read the envelope: " + e.getMessage());
        }
    }

    /** The next byte; the end of input is a read error, since a complete envelope ends with its own NUL. */
    private static int next(InputStream in) throws IOException, QqException {
        int b = in.read();
        if (b < 0) throw new QqException(QqException.READ_ERROR, "the envelope ends before its final NUL");
        return b;
    }

    private static String address(InputStream in) throws IOException, QqException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int b = next(in); b != 0; b = next(in)) {
            if (bytes.size() == MAX_ADDRESS_BYTES) {
                throw new QqException(QqException.ADDRESS_TOO_LONG, "envelope address too long");
            }
            bytes.write(b);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static QqException format(String why) {
        return new QqException(QqException.ENVELOPE_FORMAT, why);
    }
}
