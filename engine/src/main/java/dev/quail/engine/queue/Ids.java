package dev.quail.engine.queue;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Message ids: base-36 of a strictly increasing microsecond clock. Unlike qmail's inode numbers they are never
 * reused, so a persistence id names one message forever (the journal relies on that when it forgets finished ones).
 */
public final class Ids {
    private static final AtomicLong last = new AtomicLong();

    private Ids() {}

    public static String next() {
        long now = System.currentTimeMillis() * 1000L;
        long id = last.updateAndGet(prev -> Math.max(prev + 1, now));
        return Long.toString(id, 36);
    }
}
