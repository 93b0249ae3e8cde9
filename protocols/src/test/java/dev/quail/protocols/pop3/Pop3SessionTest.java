/*
 * Pop3SessionTest: the POP3 dialogue of qmail-popup + qmail-pop3d (QMAIL-REFERENCE §12) as transcripts.
 */
package dev.quail.protocols.pop3;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class Pop3SessionTest {
    private static final Pop3Entry A = new Pop3Entry("1709611000.M1P2Q1.host", 120);
    private static final Pop3Entry B = new Pop3Entry("1709611001.M2P2Q2.host", 300);
    private static final Pop3Entry C = new Pop3Entry("1709611002.M3P2Q3.host", 45);

    @Test
    void pop02_authorization_replies_are_qmail_popups() {
        Pop3Transcript.open()
                .client("PASS secret\r\n").server("-ERR USER first")
                .client("USER\r\n").server("-ERR syntax error")
                .client("STAT\r\n").server("-ERR authorization first")
                .client("noop\n").server("+OK ")
                .client("user bob@example.org\n").server("+OK ")
                .client("PASS\r\n").server("-ERR syntax error")
                .client("QUIT\r\n").server("+OK ", "[close]")
                .client("NOOP\r\n").server();
    }

    @Test
    void pop02_the_argument_starts_after_the_spaces_and_keeps_the_rest() {
        Pop3Transcript.open()
                .client("USER   bob@example.org\r\n").server("+OK ")
                .client("PASS  two words \r\n").server("[authenticate bob@example.org two words ]");
    }

    @Test
    void pop03_a_refused_login_ends_the_connection_with_one_reply_whatever_the_reason() {
        Pop3Transcript.open().client("USER nobody@example.org\r\nPASS x\r\nSTAT\r\n")
                .server("+OK ", "[authenticate nobody@example.org x]")
                .login(new LoginResult.Refused())
                .server("-ERR authorization failed", "[close]");
        Pop3Transcript.open().client("USER bob@example.org\r\nPASS x\r\n")
                .server("+OK ", "[authenticate bob@example.org x]")
                .login(new LoginResult.Failed(LoginResult.NO_MAILDIR))
                .server("-ERR this user has no $HOME/Maildir", "[close]");
    }

    @Test
    void apop_passes_the_digest_and_the_greeting_timestamp() {
        Pop3Transcript.open()
                .client("APOP bob\r\n").server("-ERR syntax error")
                .client("APOP bob@example.org c4c9334bac560ecc979e58001b3e22fb\r\n")
                .server("[apop bob@example.org c4c9334bac560ecc979e58001b3e22fb]");
    }

    @Test
    void pop12_stat_list_uidl() {
        Pop3Transcript.loggedIn(A, B, C)
                .client("STAT\r\n").server("+OK 3 465")
                .client("LIST\r\n").server("+OK ", "1 120", "2 300", "3 45", ".")
                .client("LIST 2\r\n").server("+OK 2 300")
                .client("UIDL\r\n").server("+OK ", "1 " + A.uid(), "2 " + B.uid(), "3 " + C.uid(), ".")
                .client("UIDL 3\r\n").server("+OK 3 " + C.uid());
    }

    @Test
    void pop12_dele_marks_only_and_rset_unmarks_everything() {
        Pop3Transcript.loggedIn(A, B, C)
                .client("DELE 2\r\n").server("+OK ")
                .client("STAT\r\n").server("+OK 2 165")
                .client("LIST\r\n").server("+OK ", "1 120", "3 45", ".")
                .client("LIST 2\r\n").server("-ERR already deleted")
                .client("RETR 2\r\n").server("-ERR already deleted")
                .client("LAST\r\n").server("+OK 2")
                .client("RSET\r\n").server("+OK ")
                .client("LAST\r\n").server("+OK 0")
                .client("STAT\r\n").server("+OK 3 465")
                .client("QUIT\r\n").server("[commit []]")
                .committed(true).server("+OK ", "[close]");
    }

    @Test
    void pop12_last_is_the_highest_number_deleted_and_retr_does_not_change_it() {
        Pop3Transcript.loggedIn(A, B, C)
                .client("DELE 3\r\nDELE 1\r\nRETR 2\r\nLAST\r\n")
                .server("+OK ", "+OK ", "[retrieve 1 -1]", "+OK 3");
    }

    @Test
    void pop13_message_numbers() {
        Pop3Transcript.loggedIn(A, B, C)
                .client("RETR\r\n").server("-ERR syntax error")
                .client("RETR x\r\n").server("-ERR syntax error")
                .client("RETR 0\r\n").server("-ERR messages are counted from 1")
                .client("RETR 3\r\n").server("[retrieve 2 -1]")
                .client("RETR 4\r\n").server("-ERR not that many messages")
                .client("RETR 99999999999999999999\r\n").server("-ERR not that many messages")
                .client("RETR 003\r\n").server("[retrieve 2 -1]")
                .client("RETR 1x\r\n").server("[retrieve 0 -1]");
    }

    @Test
    void pop12_top_takes_a_line_count_and_without_one_sends_everything() {
        Pop3Transcript.loggedIn(A)
                .client("TOP 1 0\r\n").server("[retrieve 0 0]")
                .client("TOP 1 10\r\n").server("[retrieve 0 10]")
                .client("TOP 1\r\n").server("[retrieve 0 -1]")
                .client("TOP 2 1\r\n").server("-ERR not that many messages");
    }

    @Test
    void pop15_quit_commits_the_deletions_and_reports_an_unlink_failure() {
        Pop3Transcript.loggedIn(A, B, C)
                .client("DELE 1\r\nDELE 3\r\nQUIT\r\nNOOP\r\n")
                .server("+OK ", "+OK ", "[commit [0, 2]]")
                .committed(false).server("-ERR unable to unlink all deleted messages", "[close]");
    }

    @Test
    void pop12_other_commands_are_unimplemented_after_login() {
        Pop3Transcript.loggedIn(A)
                .client("USER x\r\n").server("-ERR unimplemented")
                .client("STLS\r\n").server("-ERR unimplemented")
                .client("NOOP\r\n").server("+OK ");
    }

    @Test
    void capa_lists_the_capabilities_in_both_states() {
        String[] capabilities = {"+OK capability list follows", "TOP", "USER", "UIDL", "PIPELINING",
            "IMPLEMENTATION Quail", "."};
        Pop3Transcript.open().client("CAPA\r\n").server(capabilities);
        Pop3Transcript.loggedIn(A).client("capa\r\n").server(capabilities);
    }

    @Test
    void pipelined_commands_after_pass_wait_for_the_login_and_come_out_in_order() {
        Pop3Transcript.open()
                .client("USER bob@example.org\r\nPASS secret\r\nSTAT\r\nLIST\r\nQUIT\r\n")
                .server("+OK ", "[authenticate bob@example.org secret]")
                .login(new LoginResult.Opened(List.of(A)))
                .server("+OK ", "+OK 1 120", "+OK ", "1 120", ".", "[commit []]");
    }

    @Test
    void commands_split_across_chunks_are_joined() {
        Pop3Transcript.loggedIn(A)
                .client("ST").server()
                .client("AT\r").server()
                .client("\n").server("+OK 1 120");
    }

    @Test
    void a_line_of_max_line_octets_is_a_command_and_one_more_is_refused() {
        String atLimit = "NOOP" + " ".repeat(Pop3Session.MAX_LINE - 4);
        Pop3Transcript.open()
                .client(atLimit + "\r\n").server("+OK ")
                .client(atLimit + "x\r\n").server("-ERR line too long")
                .client("x".repeat(100_000) + "\n").server("-ERR line too long")
                .client("NOOP\r\n").server("+OK ");
    }

    @Test
    void an_empty_mailbox() {
        Pop3Transcript.loggedIn()
                .client("STAT\r\n").server("+OK 0 0")
                .client("LIST\r\n").server("+OK ", ".")
                .client("RETR 1\r\n").server("-ERR not that many messages");
    }

    @Test
    void silent_for_timeoutpop3d_the_session_ends_without_removing_anything() {
        Pop3Transcript.loggedIn(A).client("DELE 1\r\n").server("+OK ")
                .after(Duration.ofSeconds(1199), false).server()
                .after(Duration.ofSeconds(1), false).server("-ERR timeout", "[close]");
    }

    @Test
    void a_dripped_command_line_and_a_long_session_end_it_and_stress_shortens_the_wait() {
        Pop3Transcript.open().client("N").after(Duration.ofSeconds(5), true).server()
                .client("O").after(Duration.ofSeconds(5), true).server("-ERR command line too slow", "[close]");
        Pop3Transcript.open().after(Duration.ofSeconds(10), true).server("-ERR timeout", "[close]");
        Pop3Transcript old = Pop3Transcript.open();
        for (int i = 0; i < 5; i++) old.client("NOOP\r\n").after(Duration.ofSeconds(600), false).server("+OK ");
        old.client("NOOP\r\n").after(Duration.ofSeconds(600), false)
                .server("+OK ", "-ERR connection too long", "[close]");
    }

    @Test
    void an_idle_session_may_be_evicted_and_nothing_is_timed_while_a_login_is_checked() {
        Pop3Transcript t = Pop3Transcript.open().client("USER bob@example.org\r\nPASS x\r\n")
                .server("+OK ", "[authenticate bob@example.org x]");
        assertFalse(t.session.idle());
        t.after(Duration.ofSeconds(5000), false).server();
        t.login(new LoginResult.Opened(List.of(A))).server("+OK ");
        assertTrue(t.session.idle());
        t.evicted().server("-ERR too many connections, closing this idle one", "[close]");
    }
}
