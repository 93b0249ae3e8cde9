package dev.quail.engine.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.config.Rate;
import dev.quail.config.Shaping;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The token buckets behind connection-rate and message-rate, and the Budget's questions, at their edges. */
class TokenBucketTest {
    private static TokenBucket bucket(String rate, long now) {
        return TokenBucket.of(Rate.parse(rate), now);
    }

    @Test
    void aFullSecondsWorthThenOneTokenPerInterval() {
        TokenBucket b = bucket("10/s", 0);
        for (int i = 0; i < 10; i++) assertTrue(b.take(0), "token " + i + " of the burst");
        assertFalse(b.take(0), "the 11th must wait");
        assertEquals(100, b.millisUntilNext(0));
        assertFalse(b.take(99));
        assertEquals(1, b.millisUntilNext(99));
        assertTrue(b.take(100));
        assertFalse(b.take(100));
    }

    @Test
    void aBucketSaysWhenItIsFullAgain() {
        TokenBucket b = bucket("10/s", 0);
        assertEquals(0, b.millisUntilFull(0), "it starts full");
        for (int i = 0; i < 3; i++) assertTrue(b.take(0));
        assertEquals(300, b.millisUntilFull(0));
        assertEquals(1, b.millisUntilFull(299));
        assertEquals(0, b.millisUntilFull(300));
        assertEquals(0, TokenBucket.of(Optional.empty(), 0).millisUntilFull(0), "no rate: always full");
    }

    @Test
    void slowRatesHaveNoBurstAndTheBucketNeverHoldsMoreThanItsCapacity() {
        TokenBucket perHour = bucket("60/h", 0);
        assertTrue(perHour.take(0));
        assertFalse(perHour.take(59_999));
        assertTrue(perHour.take(60_000));
        TokenBucket b = bucket("2/s", 0);
        assertTrue(b.take(0));
        assertTrue(b.take(0));
        long later = 3_600_000;
        assertTrue(b.take(later));
        assertTrue(b.take(later));
        assertFalse(b.take(later), "an idle hour leaves two tokens, not 7200");
    }

    @Test
    void withoutARateItNeverRunsOut() {
        TokenBucket b = TokenBucket.of(Optional.empty(), 0);
        for (int i = 0; i < 100_000; i++) assertTrue(b.take(0));
        assertEquals(0, b.millisUntilNext(0));
    }

    @Test
    void aNewConnectionTakesBothTokensOrNeither() {
        Shaping.Limits limits = Shaping.parse(List.of("default connection-rate=1/s message-rate=2/s")).forSite(List.of());
        Budget budget = new Budget(limits, 0);
        assertTrue(budget.takeConnection(0));
        assertFalse(budget.takeConnection(0), "no connection token left");
        assertTrue(budget.takeMessage(0), "the message token the refused connection did not take");
        assertFalse(budget.takeMessage(0));
        assertEquals(1000, budget.connectionWait(0));
        assertEquals(500, budget.messageWait(0));
    }

    @Test
    void reuseEndsAtMessagesPerConnectionOrConnectionTime() {
        Budget budget = new Budget(Shaping.parse(List.of("default messages-per-connection=3 connection-time=60"))
                .forSite(List.of()), 0);
        assertTrue(budget.reusable(0, 2, 59_999));
        assertFalse(budget.reusable(0, 3, 0), "3 done: no 4th");
        assertFalse(budget.reusable(0, 1, 60_000), "60 s after it opened");
        assertTrue(new Budget(Shaping.Limits.DEFAULT, 0).reusable(0, 1_000_000, 299_999));
        assertFalse(new Budget(Shaping.Limits.DEFAULT, 0).reusable(0, 1, 300_000), "Postfix's 300 s by default");
    }

    @Test
    void theReadyCapIsAtMostAMinutesWorthAtTheMessageRate() {
        assertEquals(10_000, new Budget(Shaping.Limits.DEFAULT, 0).readyCap());
        assertEquals(600, new Budget(Shaping.parse(List.of("default message-rate=10/s")).forSite(List.of()), 0)
                .readyCap());
        assertEquals(1, new Budget(Shaping.parse(List.of("default message-rate=1/h")).forSite(List.of()), 0)
                .readyCap());
        assertEquals(5, new Budget(Shaping.parse(List.of("default message-rate=10/s ready-recipients=5"))
                .forSite(List.of()), 0).readyCap());
    }

    @Test
    void overflowWaitsAboutAsLongAsTheSiteNeedsForWhatItHoldsPlusJitter() {
        Random random = new Random(1);
        Budget rated = new Budget(Shaping.parse(List.of("default message-rate=10/s")).forSite(List.of()), 0);
        for (int i = 0; i < 100; i++) {
            long d = rated.overflowDelayMillis(600, random);
            assertTrue(d >= 60_000 && d <= 120_000, d + " ms");
        }
        Budget unrated = new Budget(Shaping.Limits.DEFAULT, 0);
        long d = unrated.overflowDelayMillis(10_000, random);
        assertTrue(d >= Budget.NOMINAL_DRAIN_MILLIS && d <= 2 * Budget.NOMINAL_DRAIN_MILLIS, d + " ms");
        assertTrue(rated.overflowDelayMillis(1, random) >= Budget.MIN_OVERFLOW_MILLIS);
    }

    @Test
    void withoutAMessageRateTheOverflowWaitsForWhatTheSiteWasSeenToDrain() {
        Random random = new Random(1);
        Budget fast = new Budget(Shaping.Limits.DEFAULT, 0);
        for (long t = 0; t <= 6_000; t += 100) fast.handedOut(200, t); // 2,000 a second for 6 s
        for (int i = 0; i < 100; i++) {
            long d = fast.overflowDelayMillis(20_000, random);
            assertTrue(d >= 10_000 && d <= 20_100, "20,000 held at 2,000/s: " + d + " ms");
            assertTrue(fast.overflowDelayMillis(1_000, random) >= Budget.MIN_OVERFLOW_MILLIS);
        }

        Budget slow = new Budget(Shaping.Limits.DEFAULT, 0);
        for (long t = 0; t <= 6_000; t += 1_000) slow.handedOut(1, t);
        long d = slow.overflowDelayMillis(10_000, random);
        assertTrue(d >= Budget.MAX_MEASURED_DRAIN_MILLIS && d <= 2 * Budget.MAX_MEASURED_DRAIN_MILLIS,
                "a measured crawl waits long, but not for hours: " + d + " ms");

        Budget idle = new Budget(Shaping.Limits.DEFAULT, 0);
        idle.handedOut(1, 0);
        idle.handedOut(1, 60_000);
        idle.handedOut(1, 60_100);
        d = idle.overflowDelayMillis(10_000, random);
        assertTrue(d >= Budget.NOMINAL_DRAIN_MILLIS && d <= 2 * Budget.NOMINAL_DRAIN_MILLIS,
                "a minute without hand-outs was idle, not a measure: " + d + " ms");
    }

    @Test
    void reshapingKeepsABucketWhoseRateDidNotChange() {
        Shaping.Limits ten = Shaping.parse(List.of("default message-rate=10/s")).forSite(List.of());
        Budget budget = new Budget(ten, 0);
        for (int i = 0; i < 10; i++) budget.takeMessage(0);
        budget.reshape(ten.with(java.util.Map.of(Shaping.Key.CONNECTIONS, "1")), 0);
        assertFalse(budget.takeMessage(0), "same rate: the spent tokens stay spent");
        budget.reshape(Shaping.parse(List.of("default message-rate=1/m")).forSite(List.of()), 0);
        assertTrue(budget.takeMessage(0), "a new rate starts a full bucket");
        assertFalse(budget.takeMessage(0));
    }
}
