package dev.quail.loadtest.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.loadtest.HostPort;
import dev.quail.loadtest.Systems;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sink over a real loopback socket: the engine's SMTP session, counting, STAT, fault injection. */
class SinkServerTest {

    private static ActorSystem system;
    private static SinkCounters counters;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        system = Systems.create("sink-test");
        counters = new SinkCounters();
        RecipientRules rules = new RecipientRules(Optional.of("^fail"), Optional.of("^later"));
        port = SinkServer.bind(system, "127.0.0.1", 0, counters, rules, Duration.ZERO)
                .toCompletableFuture().get().localAddress().getPort();
    }

    @AfterAll
    static void stop() {
        Systems.stop(system, Duration.ofSeconds(5));
    }

    private static SinkCounters.Counts stat() throws Exception {
        return SinkStat.query(new HostPort("127.0.0.1", port));
    }

    @Test
    void ehloOffersPipelining8bitmimeAndSize() throws Exception {
        try (SmtpLines smtp = new SmtpLines(port)) {
            assertTrue(smtp.line().startsWith("220 quail-sink ESMTP"));
            smtp.write("EHLO client.test\r\n");
            List<String> ehlo = smtp.reply();
            assertTrue(ehlo.contains("250-PIPELINING"), ehlo.toString());
            assertTrue(ehlo.contains("250-8BITMIME"), ehlo.toString());
            assertTrue(ehlo.contains("250-SIZE"), ehlo.toString());
        }
    }

    @Test
    void pipelinedMessageIsCountedAndStatReportsIt() throws Exception {
        SinkCounters.Counts before = stat();
        try (SmtpLines smtp = new SmtpLines(port)) {
            smtp.line();
            smtp.write("EHLO client.test\r\n");
            smtp.reply();
            smtp.write("MAIL FROM:<a@client.test>\r\nRCPT TO:<x@sink.test>\r\nRCPT TO:<y@sink.test>\r\nDATA\r\n");
            assertEquals("250 2.1.0 ok", smtp.line());
            assertEquals("250 2.1.5 ok", smtp.line());
            assertEquals("250 2.1.5 ok", smtp.line());
            assertEquals("354 go ahead", smtp.line());
            smtp.write("Subject: hi\r\n\r\nhello\r\n.\r\nQUIT\r\n");
            assertTrue(smtp.line().startsWith("250 2.0.0 ok "));
            assertTrue(smtp.line().startsWith("221 "));
        }
        SinkCounters.Counts after = stat();
        assertEquals(1, after.messages() - before.messages());
        assertEquals(2, after.recipients() - before.recipients());
        assertTrue(after.bytes() - before.bytes() > "Subject: hi\n\nhello\n".length(), "Received line included");
    }

    @Test
    void statAnswersOnlyAsTheFirstCommand() throws Exception {
        try (SmtpLines smtp = new SmtpLines(port)) {
            smtp.line();
            smtp.write("STAT\r\n");
            assertTrue(smtp.line().matches("211 messages=\\d+ recipients=\\d+ bytes=\\d+ connections=\\d+"));
            assertNull(smtp.line(), "the sink closes after STAT");
        }
        try (SmtpLines smtp = new SmtpLines(port)) {
            smtp.line();
            smtp.write("NOOP\r\nSTAT\r\n");
            assertEquals("250 2.0.0 ok", smtp.line());
            assertTrue(smtp.line().startsWith("502 "), "later, STAT is just an unknown command");
        }
    }

    @Test
    void failAndDeferPatternsAnswerPerRecipient() throws Exception {
        SinkCounters.Counts before = stat();
        try (SmtpLines smtp = new SmtpLines(port)) {
            smtp.line();
            smtp.write("EHLO client.test\r\n");
            smtp.reply();
            smtp.write("MAIL FROM:<a@client.test>\r\nRCPT TO:<fail1@sink.test>\r\nRCPT TO:<ok@sink.test>\r\n"
                    + "RCPT TO:<later@sink.test>\r\nRCPT TO:<FAIL2@sink.test>\r\nDATA\r\n");
            assertEquals("250 2.1.0 ok", smtp.line());
            assertEquals("550 5.1.1 sink: recipient refused (--fail-rcpt)", smtp.line());
            assertEquals("250 2.1.5 ok", smtp.line());
            assertEquals("450 4.2.1 sink: recipient deferred (--defer-rcpt)", smtp.line());
            assertEquals("550 5.1.1 sink: recipient refused (--fail-rcpt)", smtp.line(), "case-insensitive");
            assertEquals("354 go ahead", smtp.line());
            smtp.write("\r\nbody\r\n.\r\n");
            assertTrue(smtp.line().startsWith("250 "));
        }
        SinkCounters.Counts after = stat();
        assertEquals(1, after.recipients() - before.recipients());
    }

    @Test
    void tenThousandRecipientsFitAndTheNextIsDeferred() throws Exception {
        StringBuilder envelope = new StringBuilder("MAIL FROM:<a@client.test>\r\n");
        for (int i = 1; i <= SinkServer.MAX_RECIPIENTS + 1; i++) {
            envelope.append("RCPT TO:<r").append(i).append("@sink.test>\r\n");
        }
        try (SmtpLines smtp = new SmtpLines(port)) {
            smtp.line();
            smtp.write("EHLO client.test\r\n");
            smtp.reply();
            smtp.write(envelope.toString());
            assertEquals("250 2.1.0 ok", smtp.line());
            for (int i = 1; i <= SinkServer.MAX_RECIPIENTS; i++) {
                assertEquals("250 2.1.5 ok", smtp.line(), "recipient " + i);
            }
            assertTrue(smtp.line().startsWith("452 4.5.3 "), "recipient " + (SinkServer.MAX_RECIPIENTS + 1));
        }
    }
}
