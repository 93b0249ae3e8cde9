/* control/shaping: scopes and their layers, every key at its edges, lines refused whole; DURATION and rates. */
package dev.quail.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShapingTest {
    private static final List<String> GOOGLE = List.of("alt1.aspmx.l.google.com", "aspmx.l.google.com");

    @TempDir
    Path dir;

    @Test
    void aMissingFileMeansTheDefaultsEverywhere() {
        Shaping shaping = new TestHome(dir).load().shaping();
        assertEquals(List.of(), shaping.rules());
        assertEquals(Shaping.Limits.DEFAULT, shaping.forSite(GOOGLE));
        assertEquals(Shaping.Limits.DEFAULT, shaping.forDomain(GOOGLE, "gmail.com"));
    }

    @Test
    void layersGoDefaultThenSitesFromTheShortestSuffixThenTheDomainAndALaterLineWins() {
        Shaping shaping = Shaping.parse(List.of(
                "default connections=20 message-rate=100/s",
                ".l.google.com connections=10 messages-per-connection=50",
                ".google.com connections=5 connection-rate=2/s",
                "default connections=30",
                "gmail.com message-rate=10/m",
                ".yahoodns.net mx-fallback=yes"));
        Shaping.Limits google = shaping.forSite(GOOGLE);
        assertEquals(10, google.connections(), "the longer suffix beats the shorter one, whatever the order");
        assertEquals(50, google.messagesPerConnection());
        assertEquals(Rate.parse("2/s"), google.connectionRate());
        assertEquals(Rate.parse("100/s"), google.messageRate());
        assertEquals(30, shaping.forSite(List.of("mx.example.net")).connections(), "a later default line wins");
        Shaping.Limits gmail = shaping.forDomain(GOOGLE, "GMAIL.com");
        assertEquals(Rate.parse("10/m"), gmail.messageRate());
        assertEquals(10, gmail.connections(), "the domain keeps its site's other limits");
        assertTrue(shaping.hasDomain("gmail.com"));
        assertFalse(shaping.hasDomain("googlemail.com"));
        assertFalse(google.mxFallback());
    }

    @Test
    void aSiteMatchesOnlyWhenEveryMxHostIsUnderTheSuffixAndTheBareSuffixIsAHost() {
        Shaping.Scope google = new Shaping.Scope(Shaping.Scope.Kind.SITE, ".google.com");
        assertTrue(google.matchesSite(GOOGLE));
        assertTrue(google.matchesSite(List.of("google.com")));
        assertFalse(google.matchesSite(List.of("aspmx.l.google.com", "mx.backup.example")));
        assertFalse(google.matchesSite(List.of("notgoogle.com")));
        assertFalse(google.matchesSite(List.of()));
    }

    @Test
    void unlimitedRestoresNoLimitForADomain() {
        Shaping shaping = Shaping.parse(List.of(".example.net connections=1 message-rate=1/h connection-time=10m",
                "big.example connections=unlimited message-rate=unlimited connection-time=unlimited"));
        Shaping.Limits l = shaping.forDomain(List.of("mx.example.net"), "big.example");
        assertEquals(Shaping.Limits.NONE, l.connections());
        assertEquals(Optional.empty(), l.messageRate());
        assertEquals(Optional.empty(), l.connectionTime());
        assertEquals(Optional.of(Duration.ofMinutes(10)), shaping.forSite(List.of("mx.example.net")).connectionTime());
    }

    @ParameterizedTest
    @ValueSource(strings = {"default connections=0", "default connections=-1", "default messages-per-connection=0",
            "default ready-recipients=0", "default ready-recipients=unlimited", "default message-rate=0/s",
            "default message-rate=5/d", "default message-rate=5", "default resume-rate=unlimited",
            "default connection-time=0", "default mx-fallback=maybe", "default speed=fast", "default connections",
            "default", "exa mple.com connections=1", "bad/scope connections=1", "..com connections=1",
            "default connections=1 connections=x"})
    void aLineWithAnyBadPartIsIgnoredWhole(String line) {
        Shaping shaping = Shaping.parse(List.of(line, "default connections=7"));
        assertEquals(List.of(line), shaping.invalid());
        assertEquals(7, shaping.forSite(GOOGLE).connections());
    }

    @Test
    void theSmallestValuesAreAccepted() {
        Shaping shaping = Shaping.parse(List.of("default connections=1 messages-per-connection=1 ready-recipients=1"
                + " connection-rate=1/h message-rate=1/h connection-time=1 mx-fallback=no resume-rate=1/h"));
        assertEquals(List.of(), shaping.invalid());
        Shaping.Limits l = shaping.forSite(GOOGLE);
        assertEquals(1, l.connections());
        assertEquals(1, l.messagesPerConnection());
        assertEquals(1, l.readyRecipients());
        assertEquals(Optional.of(Duration.ofSeconds(1)), l.connectionTime());
        assertEquals("1/h", l.releaseRate().toString());
    }

    @Test
    void theReleaseRateIsTheSlowerOfResumeRateAndMessageRate() {
        assertEquals("50/s", Shaping.Limits.DEFAULT.releaseRate().toString());
        Shaping shaping = Shaping.parse(List.of("default message-rate=10/s", ".slow.test message-rate=30/m",
                ".fast.test message-rate=100/s resume-rate=20/s"));
        assertEquals("10/s", shaping.forSite(List.of("mx.example")).releaseRate().toString());
        assertEquals("30/m", shaping.forSite(List.of("mx.slow.test")).releaseRate().toString());
        assertEquals("20/s", shaping.forSite(List.of("mx.fast.test")).releaseRate().toString());
    }

    @Test
    void effectiveListsEveryNamedScopeWithAllItsKeys() {
        Shaping shaping = Shaping.parse(List.of(".site-a.test connections=2", "example.test message-rate=5/s"));
        assertEquals(List.of(
                "default connections=unlimited messages-per-connection=unlimited connection-rate=unlimited"
                        + " message-rate=unlimited connection-time=5m mx-fallback=no ready-recipients=10000"
                        + " resume-rate=50/s",
                ".site-a.test connections=2 messages-per-connection=unlimited connection-rate=unlimited"
                        + " message-rate=unlimited connection-time=5m mx-fallback=no ready-recipients=10000"
                        + " resume-rate=50/s",
                "example.test connections=unlimited messages-per-connection=unlimited connection-rate=unlimited"
                        + " message-rate=5/s connection-time=5m mx-fallback=no ready-recipients=10000"
                        + " resume-rate=50/s"), shaping.effective());
    }

    @Test
    void durationsFromOneSecondToAYear() {
        assertEquals(Optional.of(Duration.ofSeconds(90)), Durations.parse("90"));
        assertEquals(Optional.of(Duration.ofSeconds(1)), Durations.parse("1s"));
        assertEquals(Optional.of(Duration.ofMinutes(10)), Durations.parse("10m"));
        assertEquals(Optional.of(Duration.ofHours(2)), Durations.parse("2h"));
        assertEquals(Optional.of(Duration.ofDays(366)), Durations.parse("366d"));
        for (String bad : new String[] {"0", "0s", "367d", "10x", "m", "-5s", "1.5h", "", "1234567890s"}) {
            assertEquals(Optional.empty(), Durations.parse(bad), bad);
        }
        assertEquals("90m", Durations.format(Duration.ofSeconds(5400)));
        assertEquals("2h", Durations.format(Duration.ofHours(2)));
        assertEquals("61s", Durations.format(Duration.ofSeconds(61)));
        assertEquals("1d", Durations.format(Duration.ofDays(1)));
    }

    @Test
    void ratesAndTheirBurstOfOneSecondsWorth() {
        Rate tenPerSecond = Rate.parse("10/s").orElseThrow();
        assertEquals(10.0, tenPerSecond.perSecond());
        assertEquals(10.0, tenPerSecond.burst());
        assertEquals(10.0, Rate.parse("600/m").orElseThrow().burst());
        assertEquals(1.0, Rate.parse("59/m").orElseThrow().burst(), "less than one a second: no burst");
        assertEquals(1.0, Rate.parse("3600/h").orElseThrow().perSecond());
        assertEquals("1/h", Rate.parse("1/h").orElseThrow().toString());
        assertEquals(Optional.empty(), Rate.parse("0/h"));
        assertEquals(Optional.empty(), Rate.parse("1/d"));
        assertEquals(Optional.empty(), Rate.parse("1.5/s"));
    }
}
