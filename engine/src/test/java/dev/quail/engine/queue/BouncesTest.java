package dev.quail.engine.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.config.Control;
import dev.quail.config.Rewriter;
import dev.quail.engine.Controls;
import dev.quail.engine.TestHomes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BouncesTest {
    private static Control control;
    private static Rewriter rewriter;
    private static final Instant NOW = Instant.parse("1995-09-26T04:46:54Z");
    private static final byte[] ORIGINAL = "Received: from x\nSubject: hi\n\nbody line\n".getBytes(StandardCharsets.ISO_8859_1);

    @BeforeAll
    static void controls() throws Exception {
        Controls c = TestHomes.controls(Map.of("virtualdomains", "example.net:joe\n", "bouncehost", "bh.example\n"));
        control = c.current().control();
        rewriter = c.current().rewriter();
    }

    private static String text(Bounces.Bounce b) throws IOException {
        return new String(b.message().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    private static Bounces.Bounce build(String sender, List<Bounces.Failure> failures, long maxBytes)
            throws IOException {
        return Bounces.build(control, rewriter, sender, failures, new ByteArrayInputStream(ORIGINAL), ORIGINAL.length,
                maxBytes, NOW);
    }

    /** BNC-12, BNC-13, BNC-14, BNC-01, RW-07: header, QSBMF body, recipient paragraphs, the copy. */
    @Test
    void bnc13_singleBounceInQsbmf() throws IOException {
        Bounces.Bounce b = build("alice@example.org",
                List.of(new Bounces.Failure("joe-box@example.net", "Sorry, no mailbox here by that name. (#5.1.1)"),
                        new Bounces.Failure("far@example.com", "Remote host said: 550 no\n\nsecond paragraph")),
                50_000);
        assertEquals("", b.sender());
        assertEquals("alice@example.org", b.recipient());
        assertEquals("Date: 26 Sep 1995 04:46:54 -0000\n"
                + "From: MAILER-DAEMON@bh.example\n"
                + "To: alice@example.org\n"
                + "Subject: failure notice\n\n"
                + "Hi. This is the qmail-send program at bh.example.\n"
                + "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
                + "This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
                + "<box@example.net>:\nSorry, no mailbox here by that name. (#5.1.1)\n\n"
                + "<far@example.com>:\nRemote host said: 550 no\n/\nsecond paragraph\n\n"
                + "--- Below this line is a copy of the message.\n\n"
                + "Return-Path: <alice@example.org>\n"
                + "Received: from x\nSubject: hi\n\nbody line\n", text(b));
    }

    /** BNC-12, BNC-14: a bounce that bounces goes from #@[] to doublebounceto@doublebouncehost. */
    @Test
    void bnc12_doubleBounce() throws IOException {
        Bounces.Bounce b = build("", List.of(new Bounces.Failure("a@b.org", "no (#5.1.1)")), 50_000);
        assertEquals("#@[]", b.sender());
        assertEquals("postmaster@test.example", b.recipient());
        String text = text(b);
        assertTrue(text.contains("but the bounce bounced!\n"));
        assertTrue(text.contains("--- Below this line is the original bounce.\n\nReturn-Path: <>\n"));
    }

    /** BNC-10, BNC-17: no triple bounce. */
    @Test
    void bnc17_aFailedDoubleBounceIsDropped() throws IOException {
        assertTrue(Bounces.isTriple("#@[]"));
        assertThrows(IllegalArgumentException.class, () -> build("#@[]", List.of(new Bounces.Failure("p@x", "no")),
                50_000));
    }

    /** VERP-03 / BNC-11: the bounce goes to pre@host. */
    @Test
    void verp03_bounceOfAVerpSender() throws IOException {
        assertEquals("list-owner-@x.org", build("list-owner-@x.org-@[]",
                List.of(new Bounces.Failure("a@b.org", "no")), 50_000).recipient());
    }

    /** Beyond the size limit only the original's header comes back; at the limit all of it. */
    @Test
    void largeOriginalsComeBackAsTheirHeader() throws IOException {
        String atLimit = text(build("a@b.org", List.of(new Bounces.Failure("c@d", "no")), ORIGINAL.length));
        assertTrue(atLimit.endsWith("\n\nbody line\n"));
        String over = text(build("a@b.org", List.of(new Bounces.Failure("c@d", "no")), ORIGINAL.length - 1));
        assertTrue(over.endsWith("Subject: hi\n\n\n[10 bytes of the body were not included: the message was larger"
                + " than " + (ORIGINAL.length - 1) + " bytes.]\n"), over);
        String headerCut = text(build("a@b.org", List.of(new Bounces.Failure("c@d", "no")), 20));
        assertTrue(headerCut.endsWith("Return-Path: <a@b.org>\nReceived: from x\nSub\n["
                + (ORIGINAL.length - 20) + " bytes of the body were not included: the message was larger than 20"
                + " bytes.]\n"), "a header longer than the limit is cut at it: " + headerCut);
    }
}
