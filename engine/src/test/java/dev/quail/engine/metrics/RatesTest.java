package dev.quail.engine.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rates per minute from totals sampled every ten seconds. */
class RatesTest {
    private static final Instant START = Instant.parse("2026-12-02T10:00:00Z");

    @Test
    void theLastMinuteAndTheLongWindowEachCountTheirOwnGrowth() {
        Rates rates = new Rates();
        assertTrue(rates.at(START, Map.of("accepted", 0.0)).isEmpty(), "nothing to compare with yet");
        // 20 minutes: 10 a minute for the first 19, then 100 in the last one
        double accepted = 0;
        for (int s = 0; s <= 19 * 60; s += 10) {
            rates.sample(START.plusSeconds(s), Map.of("accepted", accepted));
            accepted += 10.0 / 6;
        }
        accepted -= 10.0 / 6;
        Instant now = START.plus(Duration.ofMinutes(20));
        Rates.PerMinute r = rates.at(now, Map.of("accepted", accepted + 100)).get("accepted");
        assertEquals(100, r.lastMinute(), 0.001);
        assertEquals((14 * 10 + 100) / 15.0, r.lastLong(), 0.001);
    }

    @Test
    void justAfterAStartTheWindowIsTheTimeSinceTheFirstSample() {
        Rates rates = new Rates();
        rates.sample(START, Map.of("delivered", 0.0));
        Rates.PerMinute r = rates.at(START.plusSeconds(30), Map.of("delivered", 30.0)).get("delivered");
        assertEquals(60, r.lastMinute(), 0.001);
        assertEquals(60, r.lastLong(), 0.001);
    }
}
