package dev.quail.engine.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard's rates: the counts of {@link Meters#totals} per minute over the last minute and the last
 * {@link #LONG} minutes. Totals are sampled every {@link #EVERY} into a ring of at most {@code LONG / EVERY + 1}
 * samples, so memory is fixed; a rate is the growth between now and the oldest sample inside its window, over the
 * time between them (shorter than the window just after a start). Thread-safe.
 */
public final class Rates {
    public static final Duration EVERY = Duration.ofSeconds(10);
    static final Duration LONG = Duration.ofMinutes(15);

    private record Sample(Instant at, Map<String, Double> totals) {}

    /** One count per minute over the last minute and over the last {@link #LONG}. */
    public record PerMinute(double lastMinute, double lastLong) {}

    private final Deque<Sample> samples = new ArrayDeque<>();

    public synchronized void sample(Instant now, Map<String, Double> totals) {
        samples.addLast(new Sample(now, Map.copyOf(totals)));
        while (samples.size() > LONG.dividedBy(EVERY) + 1) samples.removeFirst();
    }

    /** Each count's rates at {@code now}, when the totals are {@code totals}; empty before the first sample. */
    public synchronized Map<String, PerMinute> at(Instant now, Map<String, Double> totals) {
        Map<String, PerMinute> rates = new LinkedHashMap<>();
        Sample minute = oldestSince(now.minus(Duration.ofMinutes(1)));
        Sample longer = oldestSince(now.minus(LONG));
        if (minute == null) return rates;
        totals.forEach((name, value) -> rates.put(name, new PerMinute(rate(minute, now, name, value),
                rate(longer, now, name, value))));
        return rates;
    }

    private Sample oldestSince(Instant limit) {
        for (Sample s : samples) if (!s.at().isBefore(limit)) return s;
        return samples.peekLast();
    }

    private static double rate(Sample from, Instant now, String name, double value) {
        double minutes = Duration.between(from.at(), now).toMillis() / 60_000.0;
        return minutes <= 0 ? 0 : (value - from.totals().getOrDefault(name, 0.0)) / minutes;
    }
}
