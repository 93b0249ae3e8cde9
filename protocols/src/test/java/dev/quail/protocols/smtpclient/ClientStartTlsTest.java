/*
 * The client's STARTTLS (RFC 3207) under each TlsPolicy: opportunistic use, required use deferring instead of
 * sending in clear, the new EHLO under TLS, and the server's clear-text bytes after 220 discarded.
 */
package dev.quail.protocols.smtpclient;

import static dev.quail.protocols.smtpclient.ClientTranscript.PEER;
import static dev.quail.protocols.smtpclient.ClientTranscript.tx;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ClientStartTlsTest {

    static ClientTranscript greeted(TlsPolicy policy, String ehloReply) {
        return new ClientTranscript(policy).send(tx("a@x.org", "b@y.org"))
                .server("220 mx.example ESMTP").client("EHLO quail.example")
                .serverRaw(ehloReply);
    }

    static final String OFFERED = "250-mx.example\r\n250-PIPELINING\r\n250 STARTTLS\r\n";
    static final String NOT_OFFERED = "250-mx.example\r\n250 PIPELINING\r\n";

    @Test
    void mayStartsTlsWhenOfferedAndGreetsAgainUnderIt() {
        greeted(TlsPolicy.MAY, OFFERED).client("STARTTLS")
                .server("220 2.0.0 go ahead").client("[starttls]")
                .tlsStarted().client("EHLO quail.example")
                .serverRaw("250-mx.example\r\n250 PIPELINING\r\n")
                .client("MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>", "DATA");
    }

    @Test
    void mayGoesOnInClearWhenNotOffered() {
        greeted(TlsPolicy.MAY, NOT_OFFERED).client("MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>", "DATA");
    }

    @Test
    void mayGoesOnInClearWhenRefusedWithWhatTheFirstEhloOffered() {
        greeted(TlsPolicy.MAY, OFFERED).client("STARTTLS")
                .server("454 4.7.0 TLS not available").client("MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>", "DATA");
    }

    @Test
    void noneNeverStartsTls() {
        greeted(TlsPolicy.NONE, OFFERED).client("MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>", "DATA");
    }

    @Test
    void encryptDefersWhenNotOffered() {
        ClientTranscript t = greeted(TlsPolicy.ENCRYPT, NOT_OFFERED).client("[finished]", "QUIT", "[close]");
        assertEquals(new Report(Report.Kind.DEFERRAL, "TLS required but not offered by " + PEER + " (#4.7.0)"),
                t.report(0));
    }

    @Test
    void encryptDefersWhenRefused() {
        ClientTranscript t = greeted(TlsPolicy.ENCRYPT, OFFERED).client("STARTTLS")
                .server("454 4.7.0 TLS not available").client("[finished]", "QUIT", "[close]");
        assertEquals(new Report(Report.Kind.DEFERRAL, "TLS required but refused by " + PEER
                + " (#4.7.0)\nRemote host said: 454 4.7.0 TLS not available"), t.report(0));
    }

    @Test
    void encryptDefersAfterAHeloFallbackWhichOffersNothing() {
        ClientTranscript t = new ClientTranscript(TlsPolicy.ENCRYPT).send(tx("a@x.org", "b@y.org"))
                .server("220 old.example").client("EHLO quail.example")
                .server("502 what?").client("HELO quail.example")
                .server("250 old.example").client("[finished]", "QUIT", "[close]");
        assertEquals(Report.Kind.DEFERRAL, t.report(0).kind());
    }

    @Test
    void encryptSendsOnceTlsIsOn() {
        greeted(TlsPolicy.ENCRYPT, OFFERED).client("STARTTLS")
                .server("220 go ahead").client("[starttls]")
                .tlsStarted().client("EHLO quail.example")
                .server("250 mx.example").client("MAIL FROM:<a@x.org>");
    }

    @Test
    void repliesSentInClearAfter220AreDiscarded() {
        // A man in the middle appends a fake EHLO reply to the 220: it must not answer the EHLO sent under TLS.
        greeted(TlsPolicy.MAY, OFFERED).client("STARTTLS")
                .serverRaw("220 go ahead\r\n250-fake\r\n250 fake").client("[starttls]")
                .tlsStarted().client("EHLO quail.example")
                .server("250-mx.example", "250 PIPELINING")
                .client("MAIL FROM:<a@x.org>", "RCPT TO:<b@y.org>", "DATA");
    }

    @Test
    void aFailedHandshakeDefersAndCloses() {
        ClientTranscript t = greeted(TlsPolicy.MAY, OFFERED).client("STARTTLS")
                .server("220 go ahead").client("[starttls]")
                .tlsFailed("no cipher suites in common").client("[finished]", "[close]");
        assertEquals(new Report(Report.Kind.DEFERRAL, "TLS negotiation with " + PEER
                + " failed: no cipher suites in common (#4.7.5)"), t.report(0));
    }
}
