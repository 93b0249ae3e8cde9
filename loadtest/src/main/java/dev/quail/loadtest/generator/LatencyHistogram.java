/*
 * LatencyHistogram: message latencies in microseconds, for p50/p99 while many sessions record at once.
 * Log-linear buckets (HdrHistogram's idea, without the library): exact below 64 µs, then 32 buckets
 * per power of two, so a reported percentile is within 1.6% of a recorded value (the bucket's
 * midpoint). Memory is fixed (1,888 counters) whatever the count; recording is one atomic increment.
 *
 * percentile(q) is the value at rank ceil(q * count): with 100 values, p99 is the 99th smallest.
 */
package dev.quail.loadtest.generator;

import java.util.concurrent.atomic.AtomicLongArray;

public final class LatencyHistogram {

    private static final int EXACT = 64;
    private static final int PER_OCTAVE = 32;
    private static final int BUCKETS = EXACT + 57 * PER_OCTAVE;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    public void record(long micros) {
        counts.incrementAndGet(bucket(Math.max(0, micros)));
    }

    public long count() {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += counts.get(i);
        }
        return total;
    }

    /** The latency in microseconds at quantile {@code q} (0 < q <= 1); 0 when nothing was recorded. */
    public double percentile(double q) {
        long[] snapshot = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            snapshot[i] = counts.get(i);
            total += snapshot[i];
        }
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += snapshot[i];
            if (seen >= rank) {
                return lower(i) / 2.0 + upper(i) / 2.0;
            }
        }
        return upper(BUCKETS - 1);
    }

    private static int bucket(long v) {
        if (v < EXACT) {
            return (int) v;
        }
        int msb = 63 - Long.numberOfLeadingZeros(v);
        int shift = msb - 5;
        int top = (int) (v >>> shift); // 32..63
        return EXACT + (shift - 1) * PER_OCTAVE + (top - PER_OCTAVE);
    }

    private static long lower(int bucket) {
        if (bucket < EXACT) {
            return bucket;
        }
        int k = bucket - EXACT;
        return (long) (PER_OCTAVE + k % PER_OCTAVE) << (k / PER_OCTAVE + 1);
    }

    private static long upper(int bucket) {
        if (bucket < EXACT) {
            return bucket;
        }
        int k = bucket - EXACT;
        return ((long) (PER_OCTAVE + k % PER_OCTAVE + 1) << (k / PER_OCTAVE + 1)) - 1;
    }
}
