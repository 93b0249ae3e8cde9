package dev.quail.engine.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When an out-of-office answer is sent (RFC 3834's rules) and what it says. */
class AutoReplyTest {
    private static final AutoReply.Template TEMPLATE = AutoReply.Template.parse(
            "From: Carol <carol@example.org>\nSubject: Away: %S\nX-Note: kept\n\nBack on Monday.\n");

    private static AutoReply.Decision decide(String header, String sender) throws IOException {
        byte[] message = (header + "\nbody\n").getBytes(StandardCharsets.UTF_8);
        return AutoReply.decide(new ByteArrayInputStream(message), sender, "carol@example.org", TEMPLATE,
                Instant.parse("2026-12-02T10:00:00Z"));
    }

    private static String why(String header, String sender) throws IOException {
        return assertInstanceOf(AutoReply.Decision.Silence.class, decide(header, sender)).why();
    }

    @Test
    void aPersonalMessageIsAnsweredFromTheNullSenderAsAnAutoReply() throws IOException {
        var reply = assertInstanceOf(AutoReply.Decision.Reply.class, decide("To: Carol <CAROL@example.org>\n"
                + "Subject: lunch?\nMessage-ID: <2@x.org>\nReferences: <1@x.org>\n", "bob@x.org"));
        String text = new String(reply.message(), StandardCharsets.UTF_8);
        assertTrue(text.startsWith("From: Carol <carol@example.org>\nTo: <bob@x.org>\nSubject: Away: lunch?\n"
                + "Date: Wed, 2 Dec 2026 10:00:00 +0000\nMessage-ID: <"), text);
        assertTrue(text.contains("\nIn-Reply-To: <2@x.org>\nReferences: <1@x.org> <2@x.org>\n"
                + "Auto-Submitted: auto-replied\nX-Note: kept\nMIME-Version: 1.0\n"
                + "Content-Type: text/plain; charset=utf-8\n\nBack on Monday.\n"), text);
    }

    @Test
    void bouncesRobotsAndAutomaticOrBulkMailAreNeverAnswered() throws IOException {
        String to = "To: carol@example.org\n";
        assertEquals("no answer to a bounce", why(to, ""));
        assertEquals("no answer to a bounce", why(to, "#@[]"));
        for (String robot : new String[] {"MAILER-DAEMON@x.org", "owner-list@x.org", "list-request@x.org",
                "list-return-12-carol=example.org@x.org", "news-bounces@x.org"}) {
            assertTrue(why(to, robot).startsWith("no answer to a robot"), robot);
        }
        assertEquals("no answer to Auto-Submitted: auto-replied", why(to + "Auto-Submitted: auto-replied\n", "b@x.org"));
        assertInstanceOf(AutoReply.Decision.Reply.class, decide(to + "Auto-Submitted: no\n", "b@x.org"));
        assertEquals("no answer to Precedence: bulk", why(to + "Precedence: Bulk\n", "b@x.org"));
        assertEquals("no answer to a list (List-Id)", why(to + "List-Id: <l.x.org>\n", "b@x.org"));
        assertTrue(why(to + "X-Auto-Response-Suppress: OOF, AutoReply\n", "b@x.org").startsWith("no answer to X-"));
    }

    @Test
    void aMessageThatDoesNotNameTheMailboxInToOrCcIsNotAnswered() throws IOException {
        assertEquals("not addressed to carol@example.org in To or Cc", why("To: team@example.org\n", "b@x.org"));
        assertInstanceOf(AutoReply.Decision.Reply.class, decide("To: team@example.org\nCc: x@y.org,\n"
                + " carol@example.org\n", "b@x.org"));
    }

    @Test
    void aTemplateWithoutHeaderIsAllTextAndTheSubjectSaysAuto() throws IOException {
        AutoReply.Template plain = AutoReply.Template.parse("Hello: I am away.\nBack soon.\n\nCarol\n");
        assertEquals(Optional.empty(), plain.address());
        var reply = AutoReply.decide(new ByteArrayInputStream("To: carol@example.org\nSubject: hi\n\n".getBytes(
                StandardCharsets.UTF_8)), "b@x.org", "carol@example.org", plain, Instant.EPOCH);
        String text = new String(assertInstanceOf(AutoReply.Decision.Reply.class, reply).message(),
                StandardCharsets.UTF_8);
        assertTrue(text.startsWith("From: carol@example.org\nTo: <b@x.org>\nSubject: Auto: hi\n"), text);
        assertTrue(text.endsWith("\n\nHello: I am away.\nBack soon.\n\nCarol\n"), text);
        assertEquals(Optional.of("carol@example.org"), TEMPLATE.address());
    }
}
