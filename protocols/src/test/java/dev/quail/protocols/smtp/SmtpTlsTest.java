/*
 * STARTTLS (RFC 3207) and implicit TLS (RFC 8314) as the session sees them: what EHLO offers, the 220 and the
 * StartTls output, the discarding of input sent in clear after STARTTLS (the CVE-2011-0411 class), and the state
 * reset once TLS is on.
 */
package dev.quail.protocols.smtp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SmtpTlsTest {

    static final SmtpSecurity PORT_25 = new SmtpSecurity(SmtpSecurity.Tls.STARTTLS, false);
    static final SmtpSecurity SMTPS = new SmtpSecurity(SmtpSecurity.Tls.IMPLICIT, false);

    static Transcript port25() {
        return Transcript.open(Transcript.policy(), PORT_25);
    }

    @Test
    void ehloOffersStartTlsInClearAndAuthOnlyUnderTls() {
        port25()
            .client("EHLO client.example\r\n").server(
                "250-mx.example.org", "250-PIPELINING", "250-8BITMIME", "250-SIZE", "250-STARTTLS",
                "250 ENHANCEDSTATUSCODES")
            .client("STARTTLS\r\n").server("220 2.0.0 ready to start TLS", "[starttls]")
            .tlsStarted()
            .client("EHLO client.example\r\n").server(
                "250-mx.example.org", "250-PIPELINING", "250-8BITMIME", "250-SIZE", "250-AUTH PLAIN LOGIN",
                "250 ENHANCEDSTATUSCODES");
    }

    @Test
    void commandsSentInClearAfterStartTlsAreDiscarded() {
        Transcript t = port25()
            .client("EHLO client.example\r\nSTARTTLS\r\nNOOP\r\nMAIL FROM:<a@b.example>\r\n")
            .lastReply("[starttls]");
        t.client("RSET\r\n").server(); // still in clear, before the handshake: ignored too
        t.tlsStarted()
            .client("NOOP\r\n").server("250 2.0.0 ok");
    }

    @Test
    void startTlsInTheMiddleOfAPacketDropsTheRestOfIt() {
        port25()
            .client("STARTTLS\r\nNO").server("220 2.0.0 ready to start TLS", "[starttls]")
            .tlsStarted()
            // The half line "NO" sent in clear must not prefix the first command under TLS.
            .client("OP\r\n").server("502 5.5.1 unimplemented (#5.5.1)");
    }

    @Test
    void startTlsHeldBehindAMessageIsAnsweredAndStillDiscardsWhatFollows() {
        Transcript t = port25().client("EHLO c\r\n");
        t.envelope("a@b.example", "x@example.org")
            .client("hi\r\n.\r\nSTARTTLS\r\nNOOP\r\n").server("[submit]")
            .queued("1")
            .server("250 2.0.0 ok " + Transcript.NOW_SECONDS + " qp 1", "220 2.0.0 ready to start TLS",
                "[starttls]");
    }

    @Test
    void theSessionStartsAfreshUnderTls() {
        port25()
            .client("EHLO client.example\r\n").lastReply("250 ENHANCEDSTATUSCODES")
            .client("MAIL FROM:<a@b.example>\r\n").server("250 2.1.0 ok")
            .client("STARTTLS\r\n").lastReply("[starttls]")
            .tlsStarted()
            .client("RCPT TO:<x@example.org>\r\n").server("503 5.5.1 MAIL first (#5.5.1)")
            .client("MAIL FROM:<a@b.example>\r\n").server("503 5.5.1 send EHLO first (#5.5.1)")
            .client("EHLO client.example\r\n").lastReply("250 ENHANCEDSTATUSCODES")
            .client("MAIL FROM:<a@b.example>\r\n").server("250 2.1.0 ok");
    }

    @Test
    void startTlsIsRefusedWithAnArgumentAndOnceTlsIsOn() {
        port25()
            .client("STARTTLS now\r\n").server("501 5.5.4 syntax error (#5.5.4)")
            .client("STARTTLS\r\n").lastReply("[starttls]")
            .tlsStarted()
            .client("STARTTLS\r\n").server("503 5.5.1 TLS already active (#5.5.1)");
    }

    @Test
    void withoutTlsStartTlsAndAuthAreUnimplementedAsInQmail() {
        Transcript.open()
            .client("STARTTLS\r\n").server("502 5.5.1 unimplemented (#5.5.1)")
            .client("AUTH PLAIN\r\n").server("502 5.5.1 unimplemented (#5.5.1)");
    }

    @Test
    void implicitTlsOffersAuthNeverStartTlsAndWantsAGreeting() {
        Transcript.open(Transcript.policy(), SMTPS)
            .client("MAIL FROM:<a@b.example>\r\n").server("503 5.5.1 send EHLO first (#5.5.1)")
            .client("STARTTLS\r\n").server("503 5.5.1 TLS already active (#5.5.1)")
            .client("EHLO client.example\r\n").server(
                "250-mx.example.org", "250-PIPELINING", "250-8BITMIME", "250-SIZE", "250-AUTH PLAIN LOGIN",
                "250 ENHANCEDSTATUSCODES")
            .client("MAIL FROM:<a@b.example>\r\n").server("250 2.1.0 ok");
    }

    @Test
    void rfc3848_theReceivedLineSaysEsmtpsUnderTls() {
        Transcript t = port25().client("STARTTLS\r\n").lastReply("[starttls]").tlsStarted()
            .client("EHLO client.example\r\n").lastReply("250 ENHANCEDSTATUSCODES");
        t.envelope("a@b.example", "x@example.org").client(".\r\n").server("[submit]");
        String message = new String(t.lastSubmit().message(), StandardCharsets.ISO_8859_1);
        assertTrue(message.startsWith("Received: from unknown (HELO client.example) ([192.0.2.7])\n"
            + "  by mx.example.org with ESMTPS; 5 Mar 2024 04:06:07 -0000\n"), message);
    }
}
