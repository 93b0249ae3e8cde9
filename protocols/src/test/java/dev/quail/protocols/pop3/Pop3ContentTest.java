/*
 * Pop3ContentTest: RETR/TOP output (POP-14) and the sizes LIST announces.
 */
package dev.quail.protocols.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Pop3ContentTest {
    private static final String MESSAGE = "Subject: hi\nFrom: a@b\n\nline 1\n.hidden dot\n..two\nline 4\n";

    private static String response(String message, long lines) {
        return new String(Pop3Content.response(bytes(message), lines), StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
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
    void a_message_without_a_final_newline_still_ends_its_last_line() {
        assertEquals("+OK \r\nSubject: x\r\n\r\nend\r\n.\r\n", response("Subject: x\n\nend", -1));
        assertEquals(19, Pop3Content.octets(bytes("Subject: x\n\nend")));
    }

    @Test
    void stored_crlf_line_ends_are_not_doubled() {
        assertEquals("+OK \r\nSubject: x\r\n\r\nbody\r\n.\r\n", response("Subject: x\r\n\r\nbody\r\n", -1));
        assertEquals(Pop3Content.octets(bytes("Subject: x\n\nbody\n")),
                Pop3Content.octets(bytes("Subject: x\r\n\r\nbody\r\n")));
    }

    @Test
    void octets_are_what_retr_sends_before_stuffing_and_the_final_dot() {
        long octets = Pop3Content.octets(bytes(MESSAGE));
        int stuffed = 2;
        assertEquals(octets, Pop3Content.response(bytes(MESSAGE), -1).length - "+OK \r\n".length() - stuffed - 3);
        assertEquals(MESSAGE.length() + 7, octets);
        assertEquals(0, Pop3Content.octets(new byte[0]));
        assertEquals("+OK \r\n.\r\n", response("", -1));
    }
}
