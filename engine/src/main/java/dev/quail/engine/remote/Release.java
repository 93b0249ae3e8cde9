package dev.quail.engine.remote;

import dev.quail.config.Rate;
import java.util.Random;

/**
 * When the mail held by a suspension comes back: due times handed out one per message, from a start (the end of
 * the suspension, or the moment it was lifted) at no more than the release rate, after a slow start. At a rate of
 * at least one a second, second k after the start gets min(rate, 2^k) messages (1, 2, 4, ...), each placed in its
 * own equal slot of that second, at a random point of the slot: the slots never overlap, so no second ever sees
 * more than the rate, and the jitter keeps messages from meeting at the slot edges. Below one a second, the slots
 * are 1/rate long from the start. Plain; a Random is given so tests can replay it.
 */
final class Release {
    private final long start;
    private final double rate;
    private final Random random;
    private long second;
    private long inSecond;
    private long slow;

    Release(long startMillis, Rate rate, Random random) {
        this.start = startMillis;
        this.rate = rate.perSecond();
        this.random = random;
    }

    long next() {
        if (rate < 1) {
            return start + (long) ((slow++ + random.nextDouble()) * 1000 / rate);
        }
        long quota = quota(second);
        if (inSecond == quota) {
            second++;
            inSecond = 0;
            quota = quota(second);
        }
        return start + second * 1000 + (long) ((inSecond++ + random.nextDouble()) * 1000 / quota);
    }

    private long quota(long k) {
        long doubled = k >= 62 ? Long.MAX_VALUE : 1L << k;
        return Math.min((long) rate, doubled);
    }
}
