package dev.quail.engine;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Each client address's failures in the last minute: what the brakes on guessing count (passwords in
 * {@link dev.quail.engine.auth.AuthThrottle}, local addresses in {@link dev.quail.engine.smtp.RecipientCheck}).
 * Memory is bounded by pruning addresses whose failures have all expired whenever the table grows past
 * {@link #PRUNE_AT}. Thread-safe.
 */
public final class RecentFailures {
    public static final Duration WINDOW = Duration.ofMinutes(1);
    private static final int PRUNE_AT = 4096;

    private final LongSupplier millis;
    private final Map<InetAddress, ArrayDeque<Long>> failures = new HashMap<>();

    public RecentFailures(LongSupplier millis) {
        this.millis = millis;
    }

    /** Failures in the last minute, forgetting older ones. */
    public synchronized int recent(InetAddress client) {
        ArrayDeque<Long> times = failures.get(client);
        if (times == null) return 0;
        long since = millis.getAsLong() - WINDOW.toMillis();
        while (!times.isEmpty() && times.peekFirst() <= since) times.removeFirst();
        if (times.isEmpty()) failures.remove(client);
        return times.size();
    }

    /** Counts a failure of {@code client} unless it already has {@code max}; its time, for {@link #takeBack}. */
    public synchronized Optional<Long> attempt(InetAddress client, int max) {
        if (recent(client) >= Math.max(1, max)) return Optional.empty();
        if (failures.size() >= PRUNE_AT) prune();
        long now = millis.getAsLong();
        failures.computeIfAbsent(client, c -> new ArrayDeque<>()).addLast(now);
        return Optional.of(now);
    }

    /** Forgets the failure counted at {@code attempt}: it turned out not to be one. */
    public synchronized void takeBack(InetAddress client, long attempt) {
        ArrayDeque<Long> times = failures.get(client);
        if (times == null) return;
        times.removeFirstOccurrence(attempt);
        if (times.isEmpty()) failures.remove(client);
    }

    private void prune() {
        long since = millis.getAsLong() - WINDOW.toMillis();
        for (Iterator<ArrayDeque<Long>> i = failures.values().iterator(); i.hasNext(); ) {
            if (i.next().peekLast() <= since) i.remove();
        }
    }
}
