package dev.quail.engine.remote;

import dev.quail.engine.log.MessageLog;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * qmail-tcpto's table of remote hosts that are down (TCPTO-10..15), per IP address. Only a connect timeout
 * counts: it raises the address's count (up to 10) and notes the time, except that a second timeout within
 * two minutes of the last one is ignored, so that parallel attempts failing together count once. Any other
 * connect failure, and every successful connect, forgets the address. An address is down, and skipped as if
 * it had failed, while its count is at least 2 and its last timeout is younger than the backoff (qmail:
 * 3840-5824 s, fixed per process). The table lives in memory, so a restart empties it, as qmail-rspawn's
 * start does; when full, the entry with the smallest last + count * 1024 s makes room (TCPTO-13).
 * Host actors on any thread share one table: every method is synchronized.
 */
final class DownedHosts {
    static final long REPEAT_MILLIS = 120_000;
    static final int MAX_COUNT = 10;
    static final int DOWN_AT = 2;
    static final int CAPACITY = 1024;

    record Entry(int count, long lastMillis) {}

    private final LongSupplier clock;
    private final long backoffMillis;
    private final Map<InetAddress, Entry> entries = new LinkedHashMap<>();

    DownedHosts(LongSupplier clock, long backoffMillis) {
        this.clock = clock;
        this.backoffMillis = backoffMillis;
    }

    /** qmail's (60 + (pid & 31)) * 64 seconds, drawn once per table. */
    static long randomBackoffMillis() {
        return (60 + (long) (Math.random() * 32)) * 64 * 1000;
    }

    synchronized boolean isDown(InetAddress ip) {
        Entry e = entries.get(ip);
        return e != null && down(e, clock.getAsLong());
    }

    synchronized void timedOut(InetAddress ip) {
        long now = clock.getAsLong();
        Entry e = entries.get(ip);
        if (e != null && now - e.lastMillis() < REPEAT_MILLIS) return;
        boolean wasDown = e != null && down(e, now);
        Entry next = new Entry(Math.min(MAX_COUNT, e == null ? 1 : e.count() + 1), now);
        if (e == null && entries.size() >= CAPACITY) evict();
        entries.put(ip, next);
        if (!wasDown && down(next, now)) {
            MessageLog.info("tcpto: " + ip.getHostAddress() + " is down after " + next.count()
                    + " connection timeouts; skipping it for " + backoffMillis / 1000 + " seconds");
        }
    }

    /** A connect that succeeded or failed otherwise than by timing out: the address is not down. */
    synchronized void reachable(InetAddress ip) {
        entries.remove(ip);
    }

    synchronized List<RemoteSpawn.DownedHost> list() {
        List<RemoteSpawn.DownedHost> list = new ArrayList<>(entries.size());
        entries.forEach((ip, e) -> list.add(new RemoteSpawn.DownedHost(ip.getHostAddress(), e.lastMillis(), e.count())));
        return list;
    }

    synchronized void clear() {
        entries.clear();
    }

    private boolean down(Entry e, long now) {
        return e.count() >= DOWN_AT && now - e.lastMillis() < backoffMillis;
    }

    private void evict() {
        entries.entrySet().stream()
                .min(Comparator.comparingLong(en -> en.getValue().lastMillis() + en.getValue().count() * 1_024_000L))
                .ifPresent(en -> entries.remove(en.getKey()));
    }
}
