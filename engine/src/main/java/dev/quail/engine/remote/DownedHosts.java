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
 * 3840-5824 s, fixed per process); when full, the entry with the smallest last + count * 1024 s makes room
 * (TCPTO-13).
 *
 * <p>One table per site, owned by its {@link Host} (the design's backoff actor per downed host): the Host's
 * connections record in it and the Host never opens a connection to an address it says is down. The RemoteSpawn
 * keeps the tables while their Hosts come and go (passivation, a crash and restart) and writes them to
 * queue/tcpto, as qmail keeps its tcpto file, so a mark outlives a restart of the server. Connections of one Host
 * run on their own threads: every method is synchronized.
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
    /**
     * In a cluster, the changes not yet told to the other queue partitions ({@link SharedTcpto}): a mark, or a count
     * of 0 when the address was found reachable; null on a single node, which tells nobody.
     */
    private final Map<InetAddress, Entry> untold;
    /** Set by every change, so the spawn writes queue/tcpto only when something changed. */
    private boolean changed;

    DownedHosts(LongSupplier clock, long backoffMillis, boolean shared) {
        this.clock = clock;
        this.backoffMillis = backoffMillis;
        this.untold = shared ? new LinkedHashMap<>() : null;
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
        changed = true;
        if (untold != null) untold.put(ip, next);
        if (!wasDown && down(next, now)) {
            MessageLog.info("tcpto: " + ip.getHostAddress() + " is down after " + next.count()
                    + " connection timeouts; skipping it for " + backoffMillis / 1000 + " seconds");
        }
    }

    /** A connect that succeeded or failed otherwise than by timing out: the address is not down. */
    synchronized void reachable(InetAddress ip) {
        if (entries.remove(ip) == null) return;
        changed = true;
        if (untold != null) untold.put(ip, new Entry(0, clock.getAsLong()));
    }

    /**
     * What another queue partition found, if later than what this table knows of the address: a mark, or (count 0)
     * that the address answered.
     */
    synchronized void learn(InetAddress ip, int count, long lastMillis) {
        Entry e = entries.get(ip);
        if (e != null && e.lastMillis() >= lastMillis) return;
        if (count == 0) {
            if (e != null) entries.remove(ip);
        } else {
            if (e == null && entries.size() >= CAPACITY) evict();
            entries.put(ip, new Entry(Math.min(MAX_COUNT, count), lastMillis));
        }
        changed |= e != null || count > 0;
    }

    /** The changes made here since the last call, for the other partitions of a cluster. */
    synchronized Map<InetAddress, Entry> takeUntold() {
        if (untold == null || untold.isEmpty()) return Map.of();
        Map<InetAddress, Entry> taken = new LinkedHashMap<>(untold);
        untold.clear();
        return taken;
    }

    /** A mark read back from queue/tcpto at start. */
    synchronized void restore(InetAddress ip, int count, long lastMillis) {
        if (entries.size() < CAPACITY) entries.put(ip, new Entry(Math.min(MAX_COUNT, count), lastMillis));
    }

    synchronized List<RemoteSpawn.DownedHost> list(String destination) {
        List<RemoteSpawn.DownedHost> list = new ArrayList<>(entries.size());
        entries.forEach((ip, e) -> list.add(new RemoteSpawn.DownedHost(destination, ip.getHostAddress(),
                e.lastMillis(), e.count())));
        return list;
    }

    synchronized void clear() {
        if (!entries.isEmpty()) changed = true;
        if (untold != null) {
            long now = clock.getAsLong();
            entries.keySet().forEach(ip -> untold.put(ip, new Entry(0, now)));
        }
        entries.clear();
    }

    /** Whether the table changed since the last call. */
    synchronized boolean takeChanged() {
        boolean was = changed;
        changed = false;
        return was;
    }

    synchronized boolean isEmpty() {
        return entries.isEmpty();
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
