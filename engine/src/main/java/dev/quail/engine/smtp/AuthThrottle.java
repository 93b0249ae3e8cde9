package dev.quail.engine.smtp;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The brake on password guessing, per client address over every SMTP listener: each failed AUTH is answered
 * after a delay that grows with the address's failures in the last minute (1 s, 2 s, … up to
 * {@link #MAX_DELAY}), and once an address has failed {@link #MAX_FAILURES} times in a minute its further
 * attempts are not even checked (454) until the oldest failure is a minute old. A success does not wipe the
 * slate: it proves one password, not that the client stopped guessing others. Memory is bounded by pruning
 * addresses whose failures have all expired whenever the table grows past {@link #PRUNE_AT}. Thread-safe.
 */
final class AuthThrottle {
    static final int MAX_FAILURES = 10;
    static final Duration WINDOW = Duration.ofMinutes(1);
    static final Duration STEP = Duration.ofSeconds(1);
    static final Duration MAX_DELAY = Duration.ofSeconds(5);
    private static final int PRUNE_AT = 4096;

    private final LongSupplier millis;
    private final Map<InetAddress, ArrayDeque<Long>> failures = new HashMap<>();

    AuthThrottle(LongSupplier millis) {
        this.millis = millis;
    }

    /** Whether an attempt from {@code client} may be checked now. */
    synchronized boolean allows(InetAddress client) {
        return recent(client) < MAX_FAILURES;
    }

    /** Records a failure; returns the delay before it is answered. */
    synchronized Duration failed(InetAddress client) {
        if (failures.size() >= PRUNE_AT) prune();
        failures.computeIfAbsent(client, c -> new ArrayDeque<>()).addLast(millis.getAsLong());
        int count = recent(client);
        Duration delay = STEP.multipliedBy(count);
        return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
    }

    /** Failures in the last minute, forgetting older ones. */
    synchronized int recent(InetAddress client) {
        ArrayDeque<Long> times = failures.get(client);
        if (times == null) return 0;
        long since = millis.getAsLong() - WINDOW.toMillis();
        while (!times.isEmpty() && times.peekFirst() <= since) times.removeFirst();
        if (times.isEmpty()) failures.remove(client);
        return times.size();
    }

    private void prune() {
        long since = millis.getAsLong() - WINDOW.toMillis();
        for (Iterator<ArrayDeque<Long>> i = failures.values().iterator(); i.hasNext(); ) {
            if (i.next().peekLast() <= since) i.remove();
        }
    }
}
