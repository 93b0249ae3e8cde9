package dev.quail.engine.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.config.Rate;
import dev.quail.config.Responses;
import dev.quail.config.Shaping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Holds and throttles: what they cover, when they end, resume, queue/suspensions; and after=N/PERIOD. */
class SuspensionsTest {
    private static final Rate RATE = Rate.parse("10/s").orElseThrow();
    private static final Site GOOGLE = Site.mx(List.of(new Site.Exchanger("aspmx.l.google.com", 1),
            new Site.Exchanger("alt1.aspmx.l.google.com", 5)), Destination.of("gmail.com",
            new dev.quail.config.Routes(Map.of()), 25, dev.quail.config.HostList.of(List.of())));

    @TempDir
    Path dir;

    @Test
    void aHoldCoversItsSiteItsSuffixesSitesOrItsDomainUntilItEnds() {
        Suspensions s = new Suspensions(new Random(1));
        s.suspend(Suspensions.Kind.SITE, GOOGLE.key(), GOOGLE.names(), 1_000, "421 4.7.28 slow", RATE, true);
        assertTrue(s.covering(GOOGLE, "gmail.com", 999).isPresent());
        assertFalse(s.covering(GOOGLE, "gmail.com", 1_000).isPresent(), "over at its end");
        assertTrue(s.siteHeld(GOOGLE, 0));
        s.suspend(Suspensions.Kind.SUFFIX, ".google.com", List.of(), 2_000, "maintenance", RATE, false);
        assertEquals(2_000, s.covering(GOOGLE, "gmail.com", 0).orElseThrow().until, "the one ending last");
        s.suspend(Suspensions.Kind.DOMAIN, "example.com", List.of(), 3_000, "asked to", RATE, false);
        assertEquals(Optional.empty(), s.covering(literal(), "example.net", 0));
        assertTrue(s.covering(literal(), "example.com", 0).isPresent());
        assertFalse(s.siteHeld(literal(), 0), "a domain's hold is not its site's");
        assertEquals(java.util.Set.of("example.com"), s.heldDomains(0));
    }

    private static Site literal() {
        return Site.of(new Destination("[192.0.2.1]", Destination.Kind.LITERAL, "192.0.2.1", 25, false));
    }

    @Test
    void aRuleMatchingAgainOnlyExtendsAndAnOperatorSetsTheEnd() {
        Suspensions s = new Suspensions(new Random(1));
        s.suspend(Suspensions.Kind.DOMAIN, "a.test", List.of(), 5_000, "first", RATE, true);
        s.suspend(Suspensions.Kind.DOMAIN, "a.test", List.of(), 4_000, "second", RATE, true);
        assertEquals(5_000, s.holds().get(0).until);
        s.suspend(Suspensions.Kind.DOMAIN, "a.test", List.of(), 4_000, "operator", RATE, false);
        assertEquals(4_000, s.holds().get(0).until);
        assertEquals(1, s.holds().size());
    }

    @Test
    void heldMailIsDueAfterTheEndAndAResumeBringsItBackNowSpreadOut() {
        Suspensions s = new Suspensions(new Random(1));
        Suspensions.Hold hold = s.suspend(Suspensions.Kind.SUFFIX, ".google.com", List.of(), 600_000, "x", RATE, false);
        for (int i = 0; i < 30; i++) assertTrue(s.postpone(hold, "m" + i) >= 600_000);
        List<Suspensions.Hold> lifted = s.resume(".google.com");
        assertEquals(1, lifted.size());
        Map<String, Long> due = s.wakes(lifted, 10_000);
        assertEquals(30, due.size());
        due.values().forEach(d -> assertTrue(d >= 10_000 && d < 600_000));
        assertTrue(s.holds().isEmpty());
    }

    @Test
    void resumingASuffixLiftsTheSitesUnderItAndASiteByItsKey() {
        Suspensions s = new Suspensions(new Random(1));
        s.suspend(Suspensions.Kind.SITE, GOOGLE.key(), GOOGLE.names(), 1_000, "x", RATE, true);
        assertEquals(1, s.resume(".google.com").size());
        s.suspend(Suspensions.Kind.SITE, GOOGLE.key(), GOOGLE.names(), 1_000, "x", RATE, true);
        assertEquals(0, s.resume("gmail.com").size(), "a domain is not its site");
        assertEquals(1, s.resume(GOOGLE.key()).size());
    }

    @Test
    void throttlesLayOverTheirSiteOrDomainAndEverythingEnds() {
        Suspensions s = new Suspensions(new Random(1));
        s.throttle(Suspensions.Kind.SITE, GOOGLE.key(), GOOGLE.names(), 1_000, Map.of(Shaping.Key.CONNECTIONS, "1"),
                "421 4.3.2 too many");
        s.throttle(Suspensions.Kind.DOMAIN, "gmail.com", List.of(), 2_000, Map.of(Shaping.Key.MESSAGE_RATE, "1/m"),
                "rate");
        assertEquals(1, s.throttlesOf(GOOGLE, Optional.empty(), 0).size());
        assertEquals(2, s.throttlesOf(GOOGLE, Optional.of("gmail.com"), 0).size());
        assertTrue(s.domainThrottled("gmail.com", 1_999));
        assertTrue(s.expire(1_000));
        assertEquals(1, s.throttlesOf(GOOGLE, Optional.of("gmail.com"), 1_000).size());
        assertFalse(s.expire(1_500));
        assertTrue(s.expire(2_000));
        assertFalse(s.domainThrottled("gmail.com", 2_000));
    }

    @Test
    void queueSuspensionsKeepsHoldsAndThrottlesAcrossARestart() throws Exception {
        Path file = dir.resolve("suspensions");
        Suspensions s = new Suspensions(new Random(1));
        s.suspend(Suspensions.Kind.SITE, GOOGLE.key(), GOOGLE.names(), 9_000, "421 4.7.28\tslow\ndown", RATE, true);
        s.throttle(Suspensions.Kind.DOMAIN, "gmail.com", List.of(), 8_000, Map.of(Shaping.Key.CONNECTIONS, "1",
                Shaping.Key.MESSAGE_RATE, "1/m"), "busy");
        s.save(file);
        Files.writeString(file, Files.readString(file) + "garbage line\n");
        Suspensions back = new Suspensions(new Random(1));
        back.load(file);
        Suspensions.Hold hold = back.holds().get(0);
        assertEquals(GOOGLE.key(), hold.target);
        assertEquals(GOOGLE.names(), hold.names);
        assertEquals(9_000, hold.until);
        assertEquals("421 4.7.28 slow down", hold.reason, "one line");
        assertEquals("10/s", hold.rate.toString());
        assertEquals(List.of(Map.of(Shaping.Key.CONNECTIONS, "1", Shaping.Key.MESSAGE_RATE, "1/m")),
                back.throttlesOf(GOOGLE, Optional.of("gmail.com"), 7_999));
        assertTrue(back.covering(GOOGLE, "gmail.com", 8_999).isPresent());
    }

    @Test
    void aThresholdRuleActsOnItsNthMatchWithinThePeriodThenCountsAfresh() {
        Responses.Rule rule = Responses.parse(List.of("/x/ suspend after=2/1h")).rules().get(0);
        Thresholds t = new Thresholds();
        assertFalse(t.matched(rule, "site", 0), "one match does nothing");
        assertFalse(t.matched(rule, "other", 1), "counted per site");
        assertTrue(t.matched(rule, "site", 3_599_999), "the second within the hour acts");
        assertFalse(t.matched(rule, "site", 3_600_000), "afresh after acting");
        assertFalse(t.matched(rule, "other", 3_600_001), "the first match is more than an hour old");
        Responses.Rule now = Responses.parse(List.of("/x/ suspend")).rules().get(0);
        assertTrue(t.matched(now, "site", 0));
    }

    @Test
    void aHoldRemembersAtMostMaxIdsMessagesForAResume() {
        Suspensions s = new Suspensions(new Random(1));
        Suspensions.Hold hold = s.suspend(Suspensions.Kind.DOMAIN, "big.test", List.of(), 3_600_000, "x", RATE, false);
        for (int i = 0; i <= Suspensions.MAX_IDS; i++) s.postpone(hold, "m" + i);
        s.postpone(hold, "m0");
        Map<String, Long> due = s.wakes(s.resume("big.test"), 0);
        assertEquals(Suspensions.MAX_IDS, due.size(), "the one past the limit comes back at its own time");
        assertFalse(due.containsKey("m" + Suspensions.MAX_IDS));
    }

    @Test
    void thresholdsForgetTheLeastRecentlyMatchedBeyondMaxKeys() {
        Responses.Rule rule = Responses.parse(List.of("/x/ suspend after=2/1h")).rules().get(0);
        Thresholds t = new Thresholds();
        assertFalse(t.matched(rule, "first", 0));
        for (int i = 1; i < Thresholds.MAX_KEYS; i++) t.matched(rule, "site" + i, 1);
        assertTrue(t.matched(rule, "first", 2), "still counted with MAX_KEYS scopes");
        assertFalse(t.matched(rule, "again", 3));
        for (int i = 1; i <= Thresholds.MAX_KEYS; i++) t.matched(rule, "other" + i, 4);
        assertFalse(t.matched(rule, "again", 5), "forgotten: one more scope pushed it out");
    }
}
