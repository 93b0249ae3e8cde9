package dev.quail.engine.remote;

import dev.quail.config.Rate;
import java.util.Optional;

/**
 * control/shaping's connection-rate and message-rate for one site: a bucket that fills at the rate, holds at most
 * {@link Rate#burst()} tokens (one second's worth, at least one) and starts full; each new connection or transaction
 * takes a token. Without a rate it never runs out. Plain and single-threaded (its Host owns it); the time is passed
 * in, so it is tested without clocks.
 */
final class TokenBucket {
    /** Below a token by less than this is a token: the sums of rates that are not binary fractions are not exact. */
    private static final double EPSILON = 1e-9;

    private final double perMilli;
    private final double capacity;
    private double tokens;
    private long last;

    private TokenBucket(double perMilli, double capacity, long nowMillis) {
        this.perMilli = perMilli;
        this.capacity = capacity;
        this.tokens = capacity;
        this.last = nowMillis;
    }

    static TokenBucket of(Optional<Rate> rate, long nowMillis) {
        return rate.map(r -> new TokenBucket(r.perSecond() / 1000, r.burst(), nowMillis))
                .orElseGet(() -> new TokenBucket(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, nowMillis));
    }

    boolean available(long nowMillis) {
        refill(nowMillis);
        return tokens >= 1 - EPSILON;
    }

    boolean take(long nowMillis) {
        if (!available(nowMillis)) return false;
        tokens = Math.max(0, tokens - 1);
        return true;
    }

    /** How long until a token is there: 0 when one is. */
    long millisUntilNext(long nowMillis) {
        refill(nowMillis);
        return tokens >= 1 - EPSILON ? 0 : (long) Math.ceil((1 - tokens) / perMilli - EPSILON);
    }

    /** How long until the bucket is full again: 0 when it is. */
    long millisUntilFull(long nowMillis) {
        refill(nowMillis);
        return tokens >= capacity - EPSILON ? 0 : (long) Math.ceil((capacity - tokens) / perMilli - EPSILON);
    }

    private void refill(long nowMillis) {
        if (nowMillis > last) {
            tokens = Math.min(capacity, tokens + (nowMillis - last) * perMilli);
            last = nowMillis;
        }
    }
}
