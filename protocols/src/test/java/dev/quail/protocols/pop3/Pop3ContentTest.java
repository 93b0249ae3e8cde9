/*
 * Pop3ContentTest: RETR/TOP output (POP-14) and the sizes LIST announces, encoded in pieces; any cut of the message
 * into pieces gives the same bytes as the whole (checked against the encoding line by line, written out below).
 */
package dev.quail.protocols.pop3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Pop3ContentTest {
    private static final String MESSAGE = "Subject: hi\nFrom: a@b\n\nline 1\n.hidden dot\n..two\nline 4\n";

    /** The whole response, the message fed in pieces of {@code piece} bytes. */
    private static byte[] response(byte[] message, long lines, int piece) {
        Pop3Content.Encoder encoder = Pop3Content.encoder(lines);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(encoder.start());
        for (int at = 0; at < message.length && !encoder.done(); at += piece) {
            out.writeBytes(encoder.encode(message, at, Math.min(piece, message.length - at)));
        }
        out.writeBytes(encoder.finish());
        return out.toByteArray();
    }

    private static String response(String message, long lines) {
        return new String(response(bytes(message), lines, Integer.MAX_VALUE), StandardCharsets.ISO_8859_1);
    }

    private static long octets(String message) throws IOException {
        return Pop3Content.octets(new ByteArrayInputStream(bytes(message)));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** POP-14 line by line, over the whole message: what the pieces must add up to. */
    private static byte[] lineByLine(byte[] message, long bodyLines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes("+OK \r\n"));
        boolean inHeader = true;
        long left = bodyLines;
        int start = 0;
        while (start < message.length) {
            if (!inHeader && left >= 0 && left-- == 0) break;
            int lf = start;
            while (lf < message.length && message[lf] != '\n') lf++;
            int end = lf < message.length && lf > start && message[lf - 1] == '\r' ? lf - 1 : lf;
            if (end == start) inHeader = false;
            else if (message[start] == '.') out.write('.');
            out.write(message, start, end - start);
            out.writeBytes(bytes("\r\n"));
            start = Math.min(lf + 1, message.length);
        }
        out.writeBytes(bytes(".\r\n"));
        return out.toByteArray();
    }

    @Test
    void pop14_retr_sends_crlf_lines_with_dot_stuffing_and_the_final_dot() {
        assertEquals("+OK \r\nSubject: hi\r\nFrom: a@b\r\n\r\nline 1\r\n..hidden dot\r\n...two\r\nline 4\r\n.\r\n",
                response(MESSAGE, -1));
    }

    @Test
    void pop14_top_n_0_is_the_header_and_the_blank_line() {
        assertEquals("+OK \r\nSubject: hi\r\nFrom: a@b\r\n\r\n.\r\n", response(MESSAGE, 0));
    }

    @Test
    void pop14_top_n_k_sends_k_body_lines_and_no_more_than_there_are() {
        assertEquals("+OK \r\nSubject: hi\r\nFrom: a@b\r\n\r\nline 1\r\n..hidden dot\r\n.\r\n", response(MESSAGE, 2));
        assertEquals(response(MESSAGE, -1), response(MESSAGE, 4));
        assertEquals(response(MESSAGE, -1), response(MESSAGE, 5));
    }

    @Test
    void a_message_without_a_final_newline_still_ends_its_last_line() throws IOException {
        assertEquals("+OK \r\nSubject: x\r\n\r\nend\r\n.\r\n", response("Subject: x\n\nend", -1));
        assertEquals(19, octets("Subject: x\n\nend"));
        assertEquals("+OK \r\nSubject: x\r\n\r\nend\r\r\n.\r\n", response("Subject: x\n\nend\r", -1));
    }

    @Test
    void stored_crlf_line_ends_are_not_doubled() throws IOException {
        assertEquals("+OK \r\nSubject: x\r\n\r\nbody\r\n.\r\n", response("Subject: x\r\n\r\nbody\r\n", -1));
        assertEquals(octets("Subject: x\n\nbody\n"), octets("Subject: x\r\n\r\nbody\r\n"));
    }

    @Test
    void octets_are_what_retr_sends_before_stuffing_and_the_final_dot() throws IOException {
        long octets = octets(MESSAGE);
        int stuffed = 2;
        assertEquals(octets, response(MESSAGE, -1).length() - "+OK \r\n".length() - stuffed - 3);
        assertEquals(MESSAGE.length() + 7, octets);
        assertEquals(0, octets(""));
        assertEquals("+OK \r\n.\r\n", response("", -1));
    }

    @Test
    void top_stops_asking_for_input_once_its_lines_are_sent() {
        Pop3Content.Encoder top = Pop3Content.encoder(1);
        top.encode(bytes("A: b\n\none\n"), 0, 10);
        assertTrue(!top.done(), "the next line has not begun: it might be the last");
        top.encode(bytes("two\n"), 0, 4);
        assertTrue(top.done());
    }

    @Test
    void any_cut_into_pieces_gives_the_line_by_line_encoding_and_its_size() throws IOException {
        Random random = new Random(0x9093);
        byte[] alphabet = bytes("ab.\r\n\n\r.x");
        for (int round = 0; round < 3000; round++) {
            byte[] message = new byte[random.nextInt(60)];
            for (int i = 0; i < message.length; i++) message[i] = alphabet[random.nextInt(alphabet.length)];
            long lines = random.nextInt(4) - 1;
            byte[] expected = lineByLine(message, lines);
            assertArrayEquals(expected, response(message, lines, 1 + random.nextInt(7)),
                    () -> "message " + new String(message, StandardCharsets.ISO_8859_1).replace("\r", "\\r")
                            .replace("\n", "\\n") + " lines " + lines);
            long stuffed = 0;
            for (int i = 6, line = 6; i < expected.length; i++) {
                if (i == line && expected[i] == '.' && i != expected.length - 3) stuffed++;
                if (expected[i] == '\n') line = i + 1;
            }
            if (lines < 0) {
                assertEquals(expected.length - "+OK \r\n".length() - ".\r\n".length() - stuffed,
                        Pop3Content.octets(new ByteArrayInputStream(message)));
            }
        }
    }
}
