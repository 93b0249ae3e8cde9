/*
 * MboxFormatTest: the streaming quoting writes exactly what the whole-message quoting it replaced wrote (MBOX-03,
 * mboxrd), whatever the pieces the message comes in, and holds back no more than a line's ">*From" start.
 */
package dev.quail.persistence.mbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MboxFormatTest {
    private static final byte[] FROM = {'F', 'r', 'o', 'm', ' '};

    /** The quoting as it was while messages were held whole: the reference. */
    private static byte[] wholeMessage(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int start = 0;
        while (start < message.length) {
            int end = start;
            while (end < message.length && message[end] != '\n') end++;
            int i = start;
            while (i < end && message[i] == '>') i++;
            boolean quoted = end - i >= FROM.length;
            for (int k = 0; quoted && k < FROM.length; k++) quoted = message[i + k] == FROM[k];
            if (quoted) out.write('>');
            out.write(message, start, end - start);
            out.write('\n');
            start = end + 1;
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static byte[] streamed(byte[] message, Random cuts, int maxPiece) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MboxFormat.Quoting entry = new MboxFormat.Quoting(out);
        int at = 0;
        while (at < message.length) {
            int n = Math.min(message.length - at, cuts.nextInt(maxPiece + 1));
            entry.write(message, at, n);
            at += n;
        }
        entry.finish();
        return out.toByteArray();
    }

    @Test
    void sameBytesAsTheWholeMessageQuotingForAnyPieces() throws IOException {
        Random random = new Random(1870);
        byte[] alphabet = "FFrom >>\n\nx".getBytes(StandardCharsets.ISO_8859_1);
        for (int round = 0; round < 3000; round++) {
            byte[] message = new byte[random.nextInt(200)];
            for (int i = 0; i < message.length; i++) message[i] = alphabet[random.nextInt(alphabet.length)];
            int maxPiece = 1 + random.nextInt(round % 2 == 0 ? 3 : 64);
            assertArrayEquals(wholeMessage(message), streamed(message, random, maxPiece), "round " + round);
        }
    }

    @Test
    void aLongRunOfQuotesIsCountedNotHeld() throws IOException {
        String quotes = ">".repeat(100_000);
        byte[] message = (quotes + "From x\n" + quotes + "Fro\n").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(">" + quotes + "From x\n" + quotes + "Fro\n\n",
                new String(streamed(message, new Random(1), 7), StandardCharsets.ISO_8859_1));
    }
}
