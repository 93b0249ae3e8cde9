/*
 * Work: hands out message numbers to the sessions and says when each is due.
 *
 * Closed loop (no --rate): a message is due as soon as a session asks, so each of the --concurrency
 * sessions sends back to back and the server's speed sets the pace.
 * Open loop (--rate R): message i is due at start + i/R whoever sends it, so the offered load does
 * not slow down when the server does; a late message's latency counts from its due time.
 *
 * The run ends at --messages or at --duration after the start, whichever comes first: a message due
 * after the deadline is not handed out. In the open loop that is decided by due time alone, so a run
 * that falls behind still sends every message that was due, and the count does not depend on speed.
 */
package dev.quail.loadtest.generator;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

final class Work {

    /** Message number {@code index} is due at {@code dueNanos} (System.nanoTime scale). */
    record Claim(long index, long dueNanos) {}

    private final long messages;
    private final OptionalDouble rate;
    private final long startNanos;
    private final long deadlineNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong next = new AtomicLong();

    /** {@code messages} may be Long.MAX_VALUE when only a duration bounds the run. */
    Work(long messages, OptionalDouble rate, Optional<Duration> duration, LongSupplier nanoClock) {
        this.messages = messages;
        this.rate = rate;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.deadlineNanos = duration.map(d -> startNanos + d.toNanos()).orElse(Long.MAX_VALUE);
    }

    Optional<Claim> claim() {
        long now = nanoClock.getAsLong();
        long index = next.getAndUpdate(i -> available(i, now) ? i + 1 : i);
        if (!available(index, now)) {
            return Optional.empty();
        }
        return Optional.of(new Claim(index, due(index, now)));
    }

    /** True once no more messages will be handed out. */
    boolean exhausted() {
        return !available(next.get(), nanoClock.getAsLong());
    }

    private boolean available(long index, long now) {
        return index < messages && due(index, now) < deadlineNanos;
    }

    private long due(long index, long now) {
        return rate.isPresent() ? startNanos + (long) (index * 1e9 / rate.getAsDouble()) : now;
    }

    long startNanos() {
        return startNanos;
    }
}
