package dev.quail.engine.remote;

import dev.quail.engine.delivery.SpawnStatus;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.ToIntFunction;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * qmail-send's concurrencyremote, kept by the RemoteSpawn: a permit per open connection (idle ones included), at most
 * control/concurrencyremote of them, read at each decision (0 holds the channel). Hosts waiting for a permit are
 * served in order; while any waits, the Hosts holding permits are told (Pressure) so they close idle connections,
 * and the one with the most may be asked to give one back at the end of its current transaction (Reclaim, see
 * {@link #reclaimFor}). In a cluster each new connection also needs the {@link Leases} of its gates; a Host whose
 * site's gate has none to spare waits without holding up the Hosts behind it, and a gate that says other
 * partitions wait gets connections back the same way.
 */
final class Permits {
    private static final class Held {
        int permits;
        int reclaiming;
    }

    private final Function<String, ActorRef<Host.Command>> hosts;
    private final ToIntFunction<String> siteConnections;
    private final IntSupplier concurrencyremote;
    private final SpawnStatus status;
    private final Leases leases;
    /** The Hosts holding permits, in the order they first took one. */
    private final Map<String, Held> holders = new LinkedHashMap<>();
    private final ArrayDeque<String> waiting = new ArrayDeque<>();
    private int permits;
    private boolean pressure;

    /** {@code hosts}: each running Host by key (null once gone); {@code siteConnections}: its site's limit. */
    Permits(Function<String, ActorRef<Host.Command>> hosts, ToIntFunction<String> siteConnections,
            IntSupplier concurrencyremote, SpawnStatus status, Leases leases) {
        this.hosts = hosts;
        this.siteConnections = siteConnections;
        this.concurrencyremote = concurrencyremote;
        this.status = status;
        this.leases = leases;
    }

    /** Host {@code key} asks for a permit for one more connection. */
    void acquire(String key) {
        waiting.add(key);
        grant();
        if (!waiting.isEmpty()) reclaimFor(key);
    }

    /** Host {@code key} closed a connection. */
    void release(String key) {
        Held h = holders.get(key);
        if (h != null) {
            h.permits--;
            if (h.reclaiming > 0) h.reclaiming--;
            if (h.permits == 0) holders.remove(key);
            permits--;
            leases.release(key);
        }
        grant();
    }

    /** Whether Host {@code key} holds no permit and waits for none: it may stop. */
    boolean idle(String key) {
        return !holders.containsKey(key) && !waiting.contains(key);
    }

    /** Gives permits to waiting Hosts as far as the limit and the leases allow; claims the leases they lack. */
    void grant() {
        int limit = concurrencyremote.getAsInt();
        int before = permits;
        for (Iterator<String> it = waiting.iterator(); it.hasNext() && permits < limit; ) {
            String key = it.next();
            ActorRef<Host.Command> host = hosts.apply(key);
            if (host == null) {
                it.remove();
                continue;
            }
            if (!leases.take(key, siteConnections.applyAsInt(key))) continue;
            it.remove();
            holders.computeIfAbsent(key, k -> new Held()).permits++;
            permits++;
            host.tell(new Host.Grant(!waiting.isEmpty()));
        }
        if (permits != before) status.remote(permits, limit);
        leases.settle(waiting, siteConnections, limit);
        boolean pressed = leases.pressed();
        if (pressed) reclaimAboveShares();
        boolean now = !waiting.isEmpty() || pressed;
        if (now != pressure) {
            pressure = now;
            for (String key : holders.keySet()) hosts.apply(key).tell(new Host.Pressure(now));
        }
    }

    /**
     * Fairness: one permit back from the Host with the most, when the asker has none (so no destination
     * starves behind a busy one) or has two fewer (so shares even out without trading permits back and forth).
     */
    private void reclaimFor(String asker) {
        Held mine = holders.get(asker);
        reclaimFromBusiest(asker, mine == null ? 0 : mine.permits + 1);
    }

    /** One permit back from the Host with the most (not {@code except}), if it has more than {@code above}. */
    private boolean reclaimFromBusiest(String except, int above) {
        String victim = null;
        int most = above;
        for (var e : holders.entrySet()) {
            int keeps = e.getValue().permits - e.getValue().reclaiming;
            if (e.getKey().equals(except) || keeps <= most) continue;
            victim = e.getKey();
            most = keeps;
        }
        if (victim == null) return false;
        reclaim(victim, holders.get(victim));
        return true;
    }

    private void reclaim(String key, Held h) {
        h.reclaiming++;
        hosts.apply(key).tell(Host.Reclaim.INSTANCE);
    }

    /**
     * A cluster's gate gave this partition a smaller share than it holds, because other partitions wait: the
     * connections above the share go back at their transactions' ends, from the busiest Hosts, as reclaimFor does
     * within a partition.
     */
    private void reclaimAboveShares() {
        int reclaiming = 0;
        for (var e : holders.entrySet()) {
            Held h = e.getValue();
            reclaiming += h.reclaiming;
            for (int over = leases.excess(ConnectionGate.site(e.getKey())); h.reclaiming < over; ) {
                reclaim(e.getKey(), h);
            }
        }
        for (int over = leases.excess(ConnectionGate.CONCURRENCYREMOTE); reclaiming < over; reclaiming++) {
            if (!reclaimFromBusiest(null, 0)) break;
        }
    }
}
