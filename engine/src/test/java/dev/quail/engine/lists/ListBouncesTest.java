package dev.quail.engine.lists;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EZ-31..36: what a bounce counts, and the warning → probe → removal cycle's states and timing. */
class ListBouncesTest {
    private static final long NOW = 1_800_000_000L;
    private static final String DSN = "Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.far.test\n\n"
            + "Final-Recipient: rfc822; %s\nAction: %s\nStatus: %s\n";
    private static final String QSBMF = "Subject: failure notice\n\nHi. This is the qmail-send program at lists.test.\n"
            + "I'm afraid I wasn't able to deliver your message to the following addresses.\n\n"
            + "<a@far.test>:\nRemote host said: 550 5.1.1 no such user\n\n"
            + "<b@far.test>:\nRemote host said: 550 5.7.1 rejected by DMARC policy\n\n"
            + "--- Below this line is a copy of the message.\n\nReturn-Path: <x>\n";

    @TempDir
    Path home;

    private MailingList list() throws IOException {
        MailingList l = Lists.of(home).create(ListAddress.parse("news@lists.test").orElseThrow(),
                Optional.empty(), false, false);
        l.subscribe(List.of("a@far.test", "b@far.test"), "+");
        return l;
    }

    private String bounce(MailingList l, String extension, String message, long now) throws IOException {
        return new Bouncer(now).record(l, ReturnAddress.parse(extension).orElseThrow(),
                new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8))).report();
    }

    @Test
    void aDsnFailureCountsAgainstTheMemberButAPolicyRejectionOrADelayDoesNot() throws IOException {
        MailingList l = list();
        bounce(l, "return-1-a=far.test", DSN.formatted("a@far.test", "failed", "5.1.1"), NOW);
        bounce(l, "return-2-a=far.test", DSN.formatted("a@far.test", "failed", "5.2.2"), NOW + 5);
        BounceStore.Record r = l.bounces().get("a@far.test").orElseThrow();
        assertEquals(new BounceStore.Record("a@far.test", NOW, 2, BounceStore.State.BOUNCING, NOW, "5.2.2"), r);
        bounce(l, "return-1-b=far.test", DSN.formatted("b@far.test", "failed", "5.7.1"), NOW);
        bounce(l, "return-1-b=far.test", DSN.formatted("b@far.test", "delayed", "4.4.7"), NOW);
        bounce(l, "return-1-c=far.test", DSN.formatted("c@far.test", "failed", "5.1.1"), NOW);
        assertEquals(1, l.bounces().all().size());
    }

    @Test
    void qmailSendsOwnReportNamesEachFailedRecipientWithItsCode() throws IOException {
        MailingList l = list();
        assertEquals("1 bounce(s) counted from a report.", bounce(l, "return-1-", QSBMF, NOW));
        assertEquals("5.1.1", l.bounces().get("a@far.test").orElseThrow().status());
        assertFalse(l.bounces().get("b@far.test").isPresent(), "5.7.1 is a policy rejection");
    }

    @Test
    void theCycleWarnsAfterTheTimeoutProbesAfterTheWarningBouncedAndForgetsQuietMembers() {
        Duration t = Duration.ofSeconds(100);
        var r = new BounceStore.Record("a@far.test", NOW, 1, BounceStore.State.BOUNCING, NOW, "");
        assertEquals(BounceCycle.Step.WAIT, BounceCycle.step(r, NOW + 99, t, true));
        assertEquals(BounceCycle.Step.WARN, BounceCycle.step(r, NOW + 100, t, true));
        assertEquals(BounceCycle.Step.FORGET, BounceCycle.step(r, NOW, t, false));
        var bounced = r.moved(BounceStore.State.WARN_BOUNCED, NOW + 150);
        assertEquals(BounceCycle.Step.WAIT, BounceCycle.step(bounced, NOW + 249, t, true));
        assertEquals(BounceCycle.Step.PROBE, BounceCycle.step(bounced, NOW + 250, t, true));
        var warned = r.moved(BounceStore.State.WARNED, NOW + 100);
        assertEquals(BounceCycle.Step.WAIT, BounceCycle.step(warned, NOW + 399, t, true));
        assertEquals(BounceCycle.Step.FORGET, BounceCycle.step(warned, NOW + 400, t, true));
    }

    @Test
    void onlyAGoodFreshCookieMovesTheCycleAndABouncedProbeRemovesTheMember() throws IOException {
        MailingList l = list();
        l.bounces().put(new BounceStore.Record("a@far.test", NOW, 1, BounceStore.State.WARNED, NOW, ""));
        String warn = Cookies.cookie(l.key(), 'W', Long.toString(NOW), "a@far.test");
        String forged = (warn.charAt(0) == 'a' ? "b" : "a") + warn.substring(1);
        assertTrue(bounce(l, "return-warn-" + NOW + "." + forged + "-a=far.test", "x", NOW).contains("bad cookie"));
        long expired = NOW + BounceCycle.COOKIE_LIFE.toSeconds() + 1;
        assertTrue(bounce(l, "return-warn-" + NOW + "." + warn + "-a=far.test", "x", expired).contains("bad cookie"));
        assertTrue(bounce(l, "return-warn-" + NOW + "." + warn + "-a=far.test", "x", NOW - 1).contains("bad cookie"));
        assertEquals(BounceStore.State.WARNED, l.bounces().get("a@far.test").orElseThrow().state());
        long edge = NOW + BounceCycle.COOKIE_LIFE.toSeconds();
        bounce(l, "return-warn-" + NOW + "." + warn + "-a=far.test", "x", edge);
        assertEquals(BounceStore.State.WARN_BOUNCED, l.bounces().get("a@far.test").orElseThrow().state());
        String warnAsProbe = "return-probe-" + NOW + "." + warn + "-a=far.test";
        assertTrue(bounce(l, warnAsProbe, "x", NOW).contains("bad cookie"), "a warning's cookie is no probe's");
        String probe = Cookies.cookie(l.key(), 'P', Long.toString(NOW), "a@far.test");
        bounce(l, "return-probe-" + NOW + "." + probe + "-a=far.test", "x", NOW);
        assertFalse(l.subscribers().contains("a@far.test"));
        assertFalse(l.bounces().get("a@far.test").isPresent());
    }

    @Test
    void anAutoresponderIsNoBounceEvenToAProbeAddressButADsnMarkedAutoSubmittedIs() throws IOException {
        MailingList l = list();
        String probe = Cookies.cookie(l.key(), 'P', Long.toString(NOW), "a@far.test");
        for (String reply : List.of("Auto-Submitted: auto-replied\nSubject: hi\n\naway\n",
                "Subject: Out of Office: back Monday\n\naway\n", "Precedence: bulk\n\nx\n",
                "List-Id: <other.x.test>\n\nx\n")) {
            assertTrue(bounce(l, "return-probe-" + NOW + "." + probe + "-a=far.test", reply, NOW)
                    .contains("autoresponder"), reply);
            bounce(l, "return-1-a=far.test", reply, NOW);
        }
        assertTrue(l.subscribers().contains("a@far.test"));
        assertFalse(l.bounces().get("a@far.test").isPresent());
        bounce(l, "return-1-a=far.test", "Auto-Submitted: auto-replied\n" + DSN.formatted("a@far.test", "failed",
                "5.1.1"), NOW);
        assertTrue(l.bounces().get("a@far.test").isPresent());
    }
}
