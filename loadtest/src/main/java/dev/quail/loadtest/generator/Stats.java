/*
 * Stats: what the sessions report, counted as they go (any thread). "sent" counts messages whose
 * envelope went out; accepted + rejected + failed catch up with it as answers arrive. The accept
 * time runs from the start to the last outcome, so the QUIT round trips do not dilute the rate.
 * Latency is recorded for accepted messages only.
 */
package dev.quail.loadtest.generator;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

final class Stats {

    /** A consistent-enough reading for the progress line and the summary. */
    record Snapshot(long sent, long accepted, long rejected, long failed, long recipientsAccepted,
                    long recipientsRejected, long connectionFailures, long connections, double seconds, double p50Millis,
                    double p99Millis, Optional<String> problem) {

        double acceptRate() {
            return seconds > 0 ? accepted / seconds : 0;
        }

        double recipientRate() {
            return seconds > 0 ? recipientsAccepted / seconds : 0;
        }

        boolean clean() {
            return rejected == 0 && failed == 0 && connectionFailures == 0 && recipientsRejected == 0;
        }
    }

    private final long startNanos;
    private final LongAdder sent = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder recipientsAccepted = new LongAdder();
    private final LongAdder recipientsRejected = new LongAdder();
    private final LongAdder connectionFailures = new LongAdder();
    private final LongAdder connections = new LongAdder();
    private final AtomicLong lastOutcomeNanos;
    private final AtomicReference<String> problem = new AtomicReference<>();
    private final LatencyHistogram latency = new LatencyHistogram();

    Stats(long startNanos) {
        this.startNanos = startNanos;
        this.lastOutcomeNanos = new AtomicLong(startNanos);
    }

    /** A connection is being made. */
    void connected() {
        connections.increment();
    }

    void sent() {
        sent.increment();
    }

    void record(Outcome outcome, long nowNanos) {
        switch (outcome.kind()) {
            case ACCEPTED:
                accepted.increment();
                latency.record((nowNanos - outcome.job().intendedNanos()) / 1_000);
                break;
            case REJECTED:
                rejected.increment();
                break;
            default:
                failed.increment();
                break;
        }
        recipientsAccepted.add(outcome.recipientsAccepted());
        recipientsRejected.add(outcome.recipientsRejected());
        outcome.problem().ifPresent(this::problem);
        lastOutcomeNanos.accumulateAndGet(nowNanos, Math::max);
    }

    /** A connection that could not be made or ended before its QUIT. */
    void connectionFailed(String why) {
        connectionFailures.increment();
        problem(why);
    }

    Snapshot snapshot(long nowNanos, boolean finished) {
        long end = finished ? lastOutcomeNanos.get() : nowNanos;
        return new Snapshot(sent.sum(), accepted.sum(), rejected.sum(), failed.sum(), recipientsAccepted.sum(),
                recipientsRejected.sum(), connectionFailures.sum(), connections.sum(), (end - startNanos) / 1e9,
                latency.percentile(0.50) / 1000, latency.percentile(0.99) / 1000, Optional.ofNullable(problem.get()));
    }

    private void problem(String why) {
        problem.compareAndSet(null, why);
    }
}
