/*
 * MboxFormat: a message as one entry of an mbox file (QMAIL-REFERENCE MBOX-03, M2MBOX-01; mbox(5) "mboxrd").
 *
 * After the entry's From_ line come the message's lines; a line matching ^>*From gets one more '>' in
 * front (so a reader can undo it exactly), a last line without a newline gets one, and one empty line ends
 * the entry. qmail-local and maildir2mbox write entries the same way.
 */
package dev.quail.persistence.mbox;

import java.io.ByteArrayOutputStream;

public final class MboxFormat {
    private static final byte[] FROM = {'F', 'r', 'o', 'm', ' '};

    private MboxFormat() {
    }

    /** Appends {@code message}, quoted and terminated as above, to {@code out}. */
    public static void appendMessage(ByteArrayOutputStream out, byte[] message) {
        int start = 0;
        while (start < message.length) {
            int end = start;
            while (end < message.length && message[end] != '\n') {
                end++;
            }
            if (quoted(message, start, end)) {
                out.write('>');
            }
            out.write(message, start, end - start);
            out.write('\n');
            start = end + 1;
        }
        out.write('\n');
    }

    /** qmail's gfrom: any number of '>' then "From ". */
    private static boolean quoted(byte[] line, int start, int end) {
        int i = start;
        while (i < end && line[i] == '>') {
            i++;
        }
        if (end - i < FROM.length) {
            return false;
        }
        for (int k = 0; k < FROM.length; k++) {
            if (line[i + k] != FROM[k]) {
                return false;
            }
        }
        return true;
    }
}
