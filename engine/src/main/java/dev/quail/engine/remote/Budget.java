package dev.quail.engine.remote;

import dev.quail.config.Shaping;
import java.util.Random;

/**
 * A Host's control/shaping limits as the questions it asks: may it open another connection (the site's
 * connections cap, a connection-rate token, and a message-rate token for the transaction the connection opens
 * with), may it start another transaction (a message-rate token), may a connection be used again
 * (messages-per-connection, connection-time), and how many recipients may wait for a connection (ready-recipients,
 * and at most a minute's worth at message-rate, so a slow site cannot hold messages that other sites could
 * deliver). Plain and single-threaded; times are passed in.
 */
final class Budget {
    /**
     * How long a site without a message-rate is assumed to need to work through what it holds, until measured
     * (the first {@link #DRAIN_WINDOW_MILLIS}). Short: a list post overflows at once, before any measure, and a site
     * that drained its 10,000 in 5 s then sat idle for the rest of a 30 s guess. Coming back too early costs only a
     * dispatch and a journaled due time (a postponement said again is not journaled per recipient).
     */
    static final long NOMINAL_DRAIN_MILLIS = 10_000;
    static final long MIN_OVERFLOW_MILLIS = 5_000;
    /** The longest wait a measured drain rate may give: a glitch in the measure must not park mail for hours. */
    static final long MAX_MEASURED_DRAIN_MILLIS = 300_000;
    /** How long a measure of the drain rate runs; a gap of twice this without hand-outs was idle, not slow. */
    static final long DRAIN_WINDOW_MILLIS = 5_000;

    private Shaping.Limits limits;
    private TokenBucket connectionTokens;
    private TokenBucket messageTokens;
    private long windowStart;
    private int windowRecipients;
    private double drainPerSecond;

    Budget(Shaping.Limits limits, long nowMillis) {
        this.limits = limits;
        this.connectionTokens = TokenBucket.of(limits.connectionRate(), nowMillis);
        this.messageTokens = TokenBucket.of(limits.messageRate(), nowMillis);
    }

    /** New limits; a bucket whose rate did not change keeps its tokens. */
    void reshape(Shaping.Limits next, long nowMillis) {
        if (!next.connectionRate().equals(limits.connectionRate())) {
            connectionTokens = TokenBucket.of(next.connectionRate(), nowMillis);
        }
        if (!next.messageRate().equals(limits.messageRate())) {
            messageTokens = TokenBucket.of(next.messageRate(), nowMillis);
        }
        limits = next;
    }

    int connectionCap(int concurrencyremote) {
        return Math.min(concurrencyremote, limits.connections());
    }

    /** A token for a new connection and one for its first transaction, or neither. */
    boolean takeConnection(long nowMillis) {
        if (!connectionTokens.available(nowMillis) || !messageTokens.available(nowMillis)) return false;
        connectionTokens.take(nowMillis);
        return messageTokens.take(nowMillis);
    }

    boolean takeMessage(long nowMillis) {
        return messageTokens.take(nowMillis);
    }

    long messageWait(long nowMillis) {
        return messageTokens.millisUntilNext(nowMillis);
    }

    long connectionWait(long nowMillis) {
        return Math.max(connectionTokens.millisUntilNext(nowMillis), messageTokens.millisUntilNext(nowMillis));
    }

    /**
     * How long until both buckets are full again: a Host stopped before that would come back with full buckets,
     * and a site whose mail trickled in (each connection closing at messages-per-connection with nothing queued)
     * got more than its rate.
     */
    long millisUntilFull(long nowMillis) {
        return Math.max(connectionTokens.millisUntilFull(nowMillis), messageTokens.millisUntilFull(nowMillis));
    }

    /** Whether a connection opened at {@code openedMillis} that ran {@code runs} transactions may run another. */
    boolean reusable(long openedMillis, int runs, long nowMillis) {
        if (runs >= limits.messagesPerConnection()) return false;
        return limits.connectionTime().map(t -> nowMillis - openedMillis < t.toMillis()).orElse(true);
    }

    int readyCap() {
        return limits.messageRate().map(r -> (int) Math.min(limits.readyRecipients(),
                Math.max(1, Math.ceil(r.perSecond() * 60)))).orElse(limits.readyRecipients());
    }

    /**
     * Recipients handed to connections: how fast the site really works through what it holds, for a site without
     * a message-rate. A list post of 100,000 to one site that drained 2,000 a second waited 30-60 s a batch on a
     * nominal guess, with the site idle most of that time (loadtest/list-fanout.sh).
     */
    void handedOut(int recipients, long nowMillis) {
        long window = nowMillis - windowStart;
        if (window >= 2 * DRAIN_WINDOW_MILLIS) {
            windowStart = nowMillis;
            windowRecipients = 0;
        } else if (window >= DRAIN_WINDOW_MILLIS) {
            drainPerSecond = windowRecipients * 1000.0 / window;
            windowStart = nowMillis;
            windowRecipients = 0;
        }
        windowRecipients += recipients;
    }

    /**
     * How long a batch that finds the site full waits before it comes again: about as long as the site needs to
     * work through the {@code ready} recipients it holds (at its message-rate, else at its measured drain rate,
     * else a nominal guess; at least {@link #MIN_OVERFLOW_MILLIS}), plus as much again at random, so what was sent
     * back does not all come back together.
     */
    long overflowDelayMillis(int ready, Random random) {
        long drain = limits.messageRate().map(r -> (long) (ready / r.perSecond() * 1000))
                .orElseGet(() -> drainPerSecond > 0
                        ? Math.min(MAX_MEASURED_DRAIN_MILLIS, (long) (ready / drainPerSecond * 1000))
                        : NOMINAL_DRAIN_MILLIS);
        long base = Math.max(MIN_OVERFLOW_MILLIS, drain);
        return base + (long) (random.nextDouble() * base);
    }

    boolean mxFallback() {
        return limits.mxFallback();
    }
}
