/*
 * Pop3StlsTest: STLS (RFC 2595 §4) in the POP3 session as transcripts: the reply and the switch, the input sent in
 * clear with STLS that must never be answered (the CVE-2011-0411 class), the fresh AUTHORIZATION state under TLS,
 * and CAPA before and after.
 */
package dev.quail.protocols.pop3;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class Pop3StlsTest {
    private static final String[] CAPA_WITH_STLS = {"+OK capability list follows", "TOP", "USER", "UIDL",
        "PIPELINING", "STLS", "IMPLEMENTATION Quail", "."};
    private static final String[] CAPA = {"+OK capability list follows", "TOP", "USER", "UIDL", "PIPELINING",
        "IMPLEMENTATION Quail", "."};

    @Test
    void stls_answers_then_switches_and_capa_offers_it_only_before_tls() {
        Pop3Transcript t = Pop3Transcript.open(true)
                .client("CAPA\r\n").server(CAPA_WITH_STLS)
                .client("stls\r\n").server("+OK begin TLS negotiation", "[starttls]");
        assertTrue(t.session.awaitingTls());
        t.tlsStarted();
        assertFalse(t.session.awaitingTls());
        t.client("CAPA\r\n").server(CAPA)
                .client("STLS\r\n").server("-ERR TLS already active")
                .client("USER bob@example.org\r\n").server("+OK ")
                .client("PASS secret\r\n").server("[authenticate bob@example.org secret]");
    }

    @Test
    void commands_sent_in_clear_with_stls_are_never_answered() {
        Pop3Transcript.open(true)
                .client("STLS\r\nUSER bob@example.org\r\nPASS secret\r\nSTLS\r\n")
                .server("+OK begin TLS negotiation", "[starttls]")
                .client("QUIT\r\n").server()
                .tlsStarted()
                .client("PASS secret\r\n").server("-ERR USER first")
                .client("NOOP\r\n").server("+OK ");
    }

    @Test
    void a_partial_line_before_stls_does_not_join_the_first_line_under_tls() {
        Pop3Transcript.open(true)
                .client("STLS\r\nUS").server("+OK begin TLS negotiation", "[starttls]")
                .tlsStarted()
                .client("ER bob@example.org\r\n").server("-ERR authorization first");
    }

    @Test
    void a_user_given_in_clear_is_forgotten_under_tls() {
        Pop3Transcript.open(true)
                .client("USER bob@example.org\r\n").server("+OK ")
                .client("STLS\r\n").server("+OK begin TLS negotiation", "[starttls]")
                .tlsStarted()
                .client("PASS secret\r\n").server("-ERR USER first");
    }

    @Test
    void clear_text_login_stays_allowed_as_in_qmail_popup() {
        Pop3Transcript.open(true)
                .client("USER bob@example.org\r\nPASS secret\r\n")
                .server("+OK ", "[authenticate bob@example.org secret]");
    }

    @Test
    void stls_is_an_authorization_command_only() {
        Pop3Transcript.open(true)
                .client("USER bob@example.org\r\nPASS secret\r\n")
                .server("+OK ", "[authenticate bob@example.org secret]")
                .login(new LoginResult.Opened(List.of()))
                .server("+OK ")
                .client("CAPA\r\n").server(CAPA)
                .client("STLS\r\n").server("-ERR unimplemented");
    }

    @Test
    void without_tls_stls_is_unknown_as_in_qmail_popup() {
        Pop3Transcript.open(false)
                .client("CAPA\r\n").server(CAPA)
                .client("STLS\r\n").server("-ERR authorization first")
                .client("NOOP\r\n").server("+OK ");
    }

    @Test
    void tls_started_without_stls_is_a_bug_of_the_edge() {
        Pop3Transcript t = Pop3Transcript.open(true);
        assertThrows(IllegalStateException.class, t.session::tlsStarted);
    }
}
