/*
 * SMTP AUTH (RFC 4954) with PLAIN (RFC 4616) and LOGIN, and the submission rules (RFC 6409): AUTH only under TLS on
 * every listener, required before MAIL on submission, optional on port 25, and an authenticated client may relay.
 */
package dev.quail.protocols.smtp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SmtpAuthTest {

    static final SmtpSecurity SUBMISSION = new SmtpSecurity(SmtpSecurity.Tls.STARTTLS, true);

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static final String PLAIN = b64("\0alice@example.org\0secret");

    /** Under TLS, greeted with EHLO: where AUTH may start. */
    static Transcript underTls(SmtpSecurity security) {
        return Transcript.open(Transcript.policy(), security)
            .client("STARTTLS\r\n").lastReply("[starttls]")
            .tlsStarted()
            .client("EHLO client.example\r\n").lastReply("250 ENHANCEDSTATUSCODES");
    }

    @Test
    void authIsRefusedInClearOnEveryListener() {
        for (SmtpSecurity security : new SmtpSecurity[] {SmtpTlsTest.PORT_25, SUBMISSION}) {
            Transcript.open(Transcript.policy(), security)
                .client("EHLO client.example\r\n").lastReply("250 ENHANCEDSTATUSCODES")
                .client("AUTH PLAIN " + PLAIN + "\r\n")
                .server("538 5.7.11 encryption required for requested authentication mechanism (#5.7.11)");
        }
    }

    @Test
    void plainWithAnInitialResponse() {
        underTls(SUBMISSION)
            .client("AUTH PLAIN " + PLAIN + "\r\n").server("[authenticate alice@example.org secret]")
            .authenticated(AuthResult.ACCEPTED).server("235 2.7.0 authentication successful");
    }

    @Test
    void plainAfterAnEmptyChallenge() {
        underTls(SUBMISSION)
            .client("auth plain\r\n").server("334 ")
            .client(PLAIN + "\r\n").server("[authenticate alice@example.org secret]");
    }

    @Test
    void plainWithTheSameAuthorisationIdentity() {
        underTls(SUBMISSION)
            .client("AUTH PLAIN " + b64("Alice@example.org\0alice@example.org\0secret") + "\r\n")
            .server("[authenticate alice@example.org secret]");
    }

    @Test
    void plainActingAsSomeoneElseIsRefusedUnchecked() {
        underTls(SUBMISSION)
            .client("AUTH PLAIN " + b64("bob@example.org\0alice@example.org\0secret") + "\r\n")
            .server("535 5.7.8 authentication failed (#5.7.8)");
    }

    @Test
    void loginAsksForUserThenPassword() {
        underTls(SUBMISSION)
            .client("AUTH LOGIN\r\n").server("334 VXNlcm5hbWU6")
            .client(b64("alice@example.org") + "\r\n").server("334 UGFzc3dvcmQ6")
            .client(b64("sécret") + "\r\n").server("[authenticate alice@example.org sécret]")
            .authenticated(AuthResult.ACCEPTED).server("235 2.7.0 authentication successful");
    }

    @Test
    void loginWithTheUserInTheCommand() {
        underTls(SUBMISSION)
            .client("AUTH LOGIN " + b64("alice@example.org") + "\r\n").server("334 UGFzc3dvcmQ6")
            .client(b64("secret") + "\r\n").server("[authenticate alice@example.org secret]");
    }

    @Test
    void aWrongPasswordIs535AndTheClientMayTryAgain() {
        underTls(SUBMISSION)
            .client("AUTH PLAIN " + PLAIN + "\r\n").lastReply("[authenticate alice@example.org secret]")
            .authenticated(AuthResult.REFUSED).server("535 5.7.8 authentication failed (#5.7.8)")
            .client("MAIL FROM:<alice@example.org>\r\n").server("530 5.7.0 authentication required (#5.7.0)")
            .client("AUTH PLAIN " + PLAIN + "\r\n").lastReply("[authenticate alice@example.org secret]")
            .authenticated(AuthResult.ACCEPTED).server("235 2.7.0 authentication successful");
    }

    @Test
    void aThrottledClientHears454() {
        underTls(SUBMISSION)
            .client("AUTH PLAIN " + PLAIN + "\r\n").lastReply("[authenticate alice@example.org secret]")
            .authenticated(AuthResult.THROTTLED)
            .server("454 4.7.0 too many failed authentications, try again later (#4.7.0)");
    }

    @Test
    void theThirdFailedAuthOfASessionClosesItAndWhatFollowsIsNotRead() {
        Transcript t = underTls(SUBMISSION);
        for (AuthResult failure : new AuthResult[] {AuthResult.REFUSED, AuthResult.THROTTLED}) {
            t.client("AUTH PLAIN " + PLAIN + "\r\n").lastReply("[authenticate alice@example.org secret]")
                .authenticated(failure).lastReply(failure == AuthResult.REFUSED
                    ? "535 5.7.8 authentication failed (#5.7.8)"
                    : "454 4.7.0 too many failed authentications, try again later (#4.7.0)");
        }
        t.client("AUTH PLAIN " + PLAIN + "\r\n").lastReply("[authenticate alice@example.org secret]")
            .client("NOOP\r\n").server()
            .authenticated(AuthResult.REFUSED)
            .server("421 4.7.0 too many failed authentications, closing connection (#4.7.0)", "[close]");
    }

    @Test
    void unavailableChecksAreNotTheClientsFailures() {
        Transcript t = underTls(SUBMISSION);
        for (int i = 0; i < 3; i++) {
            t.client("AUTH PLAIN " + PLAIN + "\r\n").lastReply("[authenticate alice@example.org secret]")
                .authenticated(AuthResult.UNAVAILABLE).server("454 4.7.0 temporary authentication failure (#4.7.0)");
        }
        t.client("NOOP\r\n").server("250 2.0.0 ok");
    }

    @Test
    void anUnreadablePasswordStoreIsATemporaryFailure() {
        underTls(SUBMISSION)
            .client("AUTH PLAIN " + PLAIN + "\r\n").lastReply("[authenticate alice@example.org secret]")
            .authenticated(AuthResult.UNAVAILABLE).server("454 4.7.0 temporary authentication failure (#4.7.0)");
    }

    @Test
    void badResponsesEndTheExchange() {
        underTls(SUBMISSION)
            .client("AUTH PLAIN\r\n").server("334 ")
            .client("not base64!\r\n").server("501 5.5.2 cannot decode response (#5.5.2)")
            .client("AUTH PLAIN " + b64("no nuls here") + "\r\n").server("501 5.5.2 cannot decode response (#5.5.2)")
            .client("AUTH LOGIN\r\n").server("334 VXNlcm5hbWU6")
            .client("*\r\n").server("501 5.0.0 AUTH aborted (#5.0.0)")
            .client("AUTH CRAM-MD5\r\n").server("504 5.5.4 unrecognized authentication type (#5.5.4)")
            .client("AUTH\r\n").server("501 5.5.4 syntax error in AUTH command (#5.5.4)")
            .client("NOOP\r\n").server("250 2.0.0 ok");
    }

    @Test
    void aLineTooLongEndsTheExchangeAndIsNotTakenAsAResponse() {
        underTls(SUBMISSION)
            .client("AUTH LOGIN\r\n").server("334 VXNlcm5hbWU6")
            .client("x".repeat(600) + "\r\n").server("500 5.5.2 line too long")
            .client("NOOP\r\n").server("250 2.0.0 ok");
    }

    @Test
    void authNeedsEhloIsOnceAndNotInATransaction() {
        Transcript.open(Transcript.policy(), SmtpTlsTest.PORT_25)
            .client("STARTTLS\r\n").lastReply("[starttls]").tlsStarted()
            .client("HELO client.example\r\n").server("250 mx.example.org")
            .client("AUTH PLAIN " + PLAIN + "\r\n").server("503 5.5.1 send EHLO first (#5.5.1)")
            .client("EHLO client.example\r\n").lastReply("250 ENHANCEDSTATUSCODES")
            .client("MAIL FROM:<a@b.example>\r\n").server("250 2.1.0 ok")
            .client("AUTH PLAIN " + PLAIN + "\r\n")
            .server("503 5.5.1 AUTH not permitted during a mail transaction (#5.5.1)")
            .client("RSET\r\nAUTH PLAIN " + PLAIN + "\r\n")
            .server("250 2.0.0 flushed", "[authenticate alice@example.org secret]")
            .authenticated(AuthResult.ACCEPTED).lastReply("235 2.7.0 authentication successful")
            .client("AUTH PLAIN " + PLAIN + "\r\n").server("503 5.5.1 already authenticated (#5.5.1)");
    }

    @Test
    void inputPipelinedBehindAuthWaitsForTheVerdict() {
        underTls(SUBMISSION)
            .client("AUTH PLAIN " + PLAIN + "\r\nMAIL FROM:<alice@example.org>\r\n")
            .server("[authenticate alice@example.org secret]")
            .authenticated(AuthResult.ACCEPTED)
            .server("235 2.7.0 authentication successful", "250 2.1.0 ok");
    }

    @Test
    void rfc6409_submissionRequiresTlsThenAuthBeforeMail() {
        Transcript.open(Transcript.policy(), SUBMISSION)
            .client("EHLO client.example\r\n").lastReply("250 ENHANCEDSTATUSCODES")
            .client("MAIL FROM:<alice@example.org>\r\n")
            .server("530 5.7.0 must issue a STARTTLS command first (#5.7.0)")
            .client("STARTTLS\r\n").lastReply("[starttls]").tlsStarted()
            .client("EHLO client.example\r\n").lastReply("250 ENHANCEDSTATUSCODES")
            .client("MAIL FROM:<alice@example.org>\r\n").server("530 5.7.0 authentication required (#5.7.0)");
    }

    @Test
    void anAuthenticatedClientRelaysAndTheReceivedLineSaysWho() {
        Transcript t = underTls(SUBMISSION)
            .client("AUTH PLAIN " + PLAIN + "\r\n").lastReply("[authenticate alice@example.org secret]")
            .authenticated(AuthResult.ACCEPTED).lastReply("235 2.7.0 authentication successful")
            .client("MAIL FROM:<alice@example.org> AUTH=<>\r\n").server("250 2.1.0 ok")
            .client("RCPT TO:<bob@elsewhere.example>\r\n").server("250 2.1.5 ok")
            .client("DATA\r\n").server("354 go ahead")
            .client("hi\r\n.\r\n").server("[submit]");
        String message = new String(t.lastSubmit().message(), StandardCharsets.ISO_8859_1);
        assertTrue(message.startsWith("Received: from unknown (HELO client.example) ([192.0.2.7])"
            + " (authenticated as alice@example.org)\n"
            + "  by mx.example.org with ESMTPSA; 5 Mar 2024 04:06:07 -0000\n"), message);
    }

    @Test
    void onPort25AuthIsOptionalAndOnlyItOpensTheRelay() {
        underTls(SmtpTlsTest.PORT_25)
            .client("MAIL FROM:<a@b.example>\r\n").server("250 2.1.0 ok")
            .client("RCPT TO:<x@example.org>\r\n").server("250 2.1.5 ok")
            .client("RCPT TO:<bob@elsewhere.example>\r\n")
            .server("553 5.7.1 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)")
            .client("RSET\r\nAUTH PLAIN " + PLAIN + "\r\n").lastReply("[authenticate alice@example.org secret]")
            .authenticated(AuthResult.ACCEPTED).lastReply("235 2.7.0 authentication successful")
            .client("MAIL FROM:<alice@example.org>\r\n").server("250 2.1.0 ok")
            .client("RCPT TO:<bob@elsewhere.example>\r\n").server("250 2.1.5 ok");
    }

    @Test
    void theAuthParameterIsRefusedWhereAuthIsNotOffered() {
        Transcript.open(Transcript.policy(), SmtpTlsTest.PORT_25)
            .client("MAIL FROM:<a@b.example> AUTH=<>\r\n").server("555 5.5.4 unsupported parameter (#5.5.4)");
    }
}
