package dev.quail.loadtest.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The generator's SMTP client conversation, reply line by reply line (RFC 5321, RFC 2920). */
class ClientSessionTest {

    private static final byte[] MESSAGE = "Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ClientSession session = new ClientSession("loadtest@localhost");

    private static String text(ClientSession.Step step) {
        return new String(step.write(), StandardCharsets.ISO_8859_1);
    }

    private static Job job(String... recipients) {
        return new Job(0, List.of(recipients), MESSAGE, 0);
    }

    /** Greeting and EHLO; returns the ready step. */
    private ClientSession.Step hello(boolean pipelining) {
        assertEquals("EHLO quail-loadtest\r\n", text(session.onLine("220 mx.test ESMTP")));
        assertEquals("", text(session.onLine("250-mx.test")));
        if (pipelining) {
            assertEquals("", text(session.onLine("250-PIPELINING")));
        }
        ClientSession.Step ready = session.onLine("250 8BITMIME");
        assertTrue(ready.ready());
        assertEquals(pipelining, session.pipelining());
        return ready;
    }

    private Outcome outcome(ClientSession.Step step) {
        assertTrue(step.outcome().isPresent(), "the message ended");
        assertTrue(step.ready(), "ready for the next");
        return step.outcome().get();
    }

    @Test
    void pipelinedMessageGoesInTwoWrites() {
        hello(true);
        String envelope = new String(session.send(job("a@x.test", "b@x.test")), StandardCharsets.ISO_8859_1);
        assertEquals("MAIL FROM:<loadtest@localhost>\r\nRCPT TO:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\n", envelope);
        assertEquals("", text(session.onLine("250 2.1.0 ok")));
        assertEquals("", text(session.onLine("250 2.1.5 ok")));
        assertEquals("", text(session.onLine("250 2.1.5 ok")));
        assertEquals("Subject: x\r\n\r\nbody\r\n.\r\n", text(session.onLine("354 go ahead")));
        Outcome outcome = outcome(session.onLine("250 2.0.0 ok 1 qp 7"));
        assertEquals(Outcome.Kind.ACCEPTED, outcome.kind());
        assertEquals(2, outcome.recipientsAccepted());
        assertEquals(0, outcome.recipientsRejected());
        assertEquals("QUIT\r\n", new String(session.quit(), StandardCharsets.ISO_8859_1));
        session.onLine("221 2.0.0 bye");
        assertTrue(session.closed());
        assertEquals(Optional.empty(), session.problem());
    }

    @Test
    void withoutPipeliningOneCommandPerRoundTrip() {
        hello(false);
        assertEquals("MAIL FROM:<loadtest@localhost>\r\n",
                new String(session.send(job("a@x.test")), StandardCharsets.ISO_8859_1));
        assertEquals("RCPT TO:<a@x.test>\r\n", text(session.onLine("250 ok")));
        assertEquals("DATA\r\n", text(session.onLine("250 ok")));
        assertEquals("Subject: x\r\n\r\nbody\r\n.\r\n", text(session.onLine("354 go ahead")));
        assertEquals(Outcome.Kind.ACCEPTED, outcome(session.onLine("250 queued")).kind());
    }

    @Test
    void refusedRecipientMakesTheMessageRejectedButStillSent() {
        hello(true);
        session.send(job("a@x.test", "fail@x.test"));
        session.onLine("250 ok");
        session.onLine("250 ok");
        session.onLine("550 5.1.1 no such user");
        assertTrue(text(session.onLine("354 go ahead")).endsWith("\r\n.\r\n"));
        Outcome outcome = outcome(session.onLine("250 queued"));
        assertEquals(Outcome.Kind.REJECTED, outcome.kind());
        assertEquals(1, outcome.recipientsAccepted());
        assertEquals(1, outcome.recipientsRejected());
        assertEquals(Optional.of("550 5.1.1 no such user"), outcome.problem());
    }

    @Test
    void noRecipientAcceptedAndDataRefused() {
        hello(true);
        session.send(job("a@x.test"));
        session.onLine("250 ok");
        session.onLine("553 5.7.1 not here");
        Outcome outcome = outcome(session.onLine("503 5.5.1 RCPT first"));
        assertEquals(Outcome.Kind.REJECTED, outcome.kind());
        assertEquals(1, outcome.recipientsRejected());
        assertEquals(Optional.of("553 5.7.1 not here"), outcome.problem());
    }

    @Test
    void goAheadWithNoRecipientSendsOnlyTheDot() {
        hello(true);
        session.send(job("a@x.test"));
        session.onLine("250 ok");
        session.onLine("550 no");
        assertEquals(".\r\n", text(session.onLine("354 go ahead")));
        assertEquals(Outcome.Kind.REJECTED, outcome(session.onLine("554 no valid recipients")).kind());
    }

    @Test
    void tooManyRecipientsSplitsTheMessageAndLearnsTheLimit() {
        hello(true);
        session.send(job("r1@x", "r2@x", "r3@x", "r4@x", "r5@x"));
        session.onLine("250 ok");
        session.onLine("250 ok");
        session.onLine("250 ok");
        session.onLine("452 4.5.3 too many recipients");
        session.onLine("452 4.5.3 too many recipients");
        session.onLine("452 4.5.3 too many recipients");
        session.onLine("354 go ahead");
        ClientSession.Step second = session.onLine("250 queued");
        assertFalse(second.outcome().isPresent(), "not done: three recipients left");
        assertEquals("MAIL FROM:<loadtest@localhost>\r\nRCPT TO:<r3@x>\r\nRCPT TO:<r4@x>\r\nDATA\r\n", text(second));
        session.onLine("250 ok");
        session.onLine("250 ok");
        session.onLine("250 ok");
        session.onLine("354 go ahead");
        ClientSession.Step third = session.onLine("250 queued");
        assertEquals("MAIL FROM:<loadtest@localhost>\r\nRCPT TO:<r5@x>\r\nDATA\r\n", text(third));
        session.onLine("250 ok");
        session.onLine("250 ok");
        session.onLine("354 go ahead");
        Outcome outcome = outcome(session.onLine("250 queued"));
        assertEquals(Outcome.Kind.ACCEPTED, outcome.kind());
        assertEquals(5, outcome.recipientsAccepted());

        String next = new String(session.send(job("s1@x", "s2@x", "s3@x")), StandardCharsets.ISO_8859_1);
        assertEquals("MAIL FROM:<loadtest@localhost>\r\nRCPT TO:<s1@x>\r\nRCPT TO:<s2@x>\r\nDATA\r\n", next,
                "the next message starts at the learnt limit of 2");
    }

    @Test
    void deferringEveryRecipientIsARefusalNotALoop() {
        hello(true);
        session.send(job("a@x", "b@x"));
        session.onLine("250 ok");
        session.onLine("452 4.2.2 mailbox full");
        session.onLine("452 4.2.2 mailbox full");
        Outcome outcome = outcome(session.onLine("503 5.5.1 RCPT first"));
        assertEquals(Outcome.Kind.REJECTED, outcome.kind());
        assertEquals(2, outcome.recipientsRejected());
        assertEquals(Optional.of("452 4.2.2 mailbox full"), outcome.problem());
    }

    @Test
    void refusedSenderWithoutPipeliningSkipsTheRecipients() {
        hello(false);
        session.send(job("a@x", "b@x"));
        Outcome outcome = outcome(session.onLine("553 5.7.1 bad sender"));
        assertEquals(Outcome.Kind.REJECTED, outcome.kind());
        assertEquals(2, outcome.recipientsRejected());
    }

    @Test
    void serverClosingWith421RejectsTheMessageAndEndsTheSession() {
        hello(true);
        session.send(job("a@x"));
        ClientSession.Step step = session.onLine("421 4.3.0 shutting down");
        assertEquals(Outcome.Kind.REJECTED, step.outcome().orElseThrow().kind());
        assertFalse(step.ready());
        assertTrue(session.closed());
        assertEquals(Optional.of("421 4.3.0 shutting down"), session.problem());
    }

    @Test
    void brokenConnectionFailsTheMessageUnderWay() {
        hello(true);
        session.send(job("a@x"));
        session.onLine("250 ok");
        Outcome outcome = session.connectionLost("connection reset").orElseThrow();
        assertEquals(Outcome.Kind.FAILED, outcome.kind());
        assertEquals(Optional.of("connection reset"), session.problem());
    }

    @Test
    void brokenConnectionBetweenMessagesFailsNothing() {
        hello(true);
        assertEquals(Optional.empty(), session.connectionLost("connection reset"));
        assertEquals(Optional.of("connection reset"), session.problem());
    }

    @Test
    void connectionEndingAfterQuitIsNoProblem() {
        hello(true);
        session.quit();
        assertTrue(session.quitting());
        assertEquals(Optional.empty(), session.connectionLost("closed"));
        assertEquals(Optional.empty(), session.problem());
    }

    @Test
    void refusedGreetingEndsTheSession() {
        session.onLine("554 go away");
        assertTrue(session.closed());
        assertEquals(Optional.of("greeting 554 go away"), session.problem());
    }

    @Test
    void garbageInsteadOfAReplyFailsTheMessage() {
        hello(true);
        session.send(job("a@x"));
        ClientSession.Step step = session.onLine("HTTP/1.1 400 Bad Request");
        assertEquals(Outcome.Kind.FAILED, step.outcome().orElseThrow().kind());
        assertTrue(session.closed());
    }
}
