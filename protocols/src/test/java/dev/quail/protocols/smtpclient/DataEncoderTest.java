/*
 * DataEncoderTest: the streaming encoder sends exactly what the whole-message encoder it replaced sent
 * (REM-13), whatever the pieces the message comes in.
 */
package dev.quail.protocols.smtpclient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DataEncoderTest {

    /** The encoder as it was while messages were held whole: the reference. */
    private static byte[] wholeMessage(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + body.length / 32 + 8);
        boolean lineStart = true;
        for (int i = 0; i < body.length; i++) {
            byte b = body[i];
            if (lineStart && b == '.') out.write('.');
            if (b == '\n' && (i == 0 || body[i - 1] != '\r')) out.write('\r');
            out.write(b);
            lineStart = b == '\n';
        }
        out.write('.');
        out.write('\r');
        out.write('\n');
        return out.toByteArray();
    }

    private static byte[] streamed(byte[] body, Random cuts, int maxPiece) {
        DataEncoder encoder = new DataEncoder();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < body.length) {
            int n = Math.min(body.length - at, cuts.nextInt(maxPiece + 1));
            out.writeBytes(encoder.encode(body, at, n));
            at += n;
        }
        out.writeBytes(encoder.finish());
        return out.toByteArray();
    }

    /** Mostly the octets that matter ('.', CR, LF), some others, always ending in LF. */
    private static byte[] message(Random random, int length) {
        byte[] alphabet = {'.', '.', '\r', '\n', '\n', 'a', ' ', (byte) 0xe9};
        byte[] body = new byte[length];
        for (int i = 0; i < length; i++) body[i] = alphabet[random.nextInt(alphabet.length)];
        if (length > 0) body[length - 1] = '\n';
        return body;
    }

    @Test
    void sameBytesAsTheWholeMessageEncoderForAnyPieces() {
        Random random = new Random(20240611);
        for (int round = 0; round < 2000; round++) {
            byte[] body = message(random, random.nextInt(300));
            int maxPiece = 1 + random.nextInt(round % 2 == 0 ? 4 : 128);
            assertArrayEquals(wholeMessage(body), streamed(body, random, maxPiece), "round " + round);
        }
    }

    @Test
    void aCrAndItsLfInDifferentPiecesStayOneCrlf() {
        byte[] body = "a\r\n.b\n".getBytes(StandardCharsets.ISO_8859_1);
        DataEncoder encoder = new DataEncoder();
        String sent = new String(encoder.encode(body, 0, 2), StandardCharsets.ISO_8859_1)
                + new String(encoder.encode(body, 2, 1), StandardCharsets.ISO_8859_1)
                + new String(encoder.encode(body, 3, 3), StandardCharsets.ISO_8859_1)
                + new String(encoder.finish(), StandardCharsets.ISO_8859_1);
        assertEquals("a\r\n..b\r\n.\r\n", sent);
    }

    @Test
    void aPartialFinalLineCannotBeFinished() {
        DataEncoder encoder = new DataEncoder();
        encoder.encode(new byte[] {'x'}, 0, 1);
        assertThrows(IllegalStateException.class, encoder::finish);
    }
}
