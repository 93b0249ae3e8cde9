package dev.quail.engine.remote;

import dev.quail.config.Shaping;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A queue partition's leases at its cluster's {@link ConnectionGate}s, kept by its RemoteSpawn: a connection opens
 * only on a lease of the concurrencyremote gate and, when its site's connections are limited, one of the site's
 * gate. The RemoteSpawn says what its waiting Hosts need ({@link #settle}); a lease not in use and not needed goes
 * back at once, so what a partition holds follows what it uses. A single node has no gates: {@link #NONE} lets
 * everything through and the RemoteSpawn's own count is the limit.
 *
 * <p>One claim per gate is on its way at a time (a second would repeat the first's held count and be granted
 * twice); one unanswered for {@link #LOST_AFTER_MILLIS} (its gate was moving to another node) is sent again.
 */
final class Leases {
    static final Leases NONE = new Leases(null, null, null);
    static final long LOST_AFTER_MILLIS = 5_000;

    private static final class Lease {
        int held;
        int used;
        int wanted;
        int limit;
        int share = Integer.MAX_VALUE;
        /** What the gate was last told (and has granted since): a claim goes only when this changes. */
        int toldHeld;
        int toldWanted;
        long askedAt = -1;
    }

    private final ConnectionGate.Gates gates;
    private final ActorRef<ConnectionGate.Allowed> replyTo;
    private final LongSupplier clock;
    private final Map<String, Lease> leases = new HashMap<>();

    Leases(ConnectionGate.Gates gates, ActorRef<ConnectionGate.Allowed> replyTo, LongSupplier clock) {
        this.gates = gates;
        this.replyTo = replyTo;
        this.clock = clock;
    }

    private static boolean limited(int siteConnections) {
        return siteConnections != Shaping.Limits.NONE;
    }

    /** Takes the leases a connection to site {@code key} needs, if this partition has them spare. */
    boolean take(String key, int siteConnections) {
        if (gates == null) return true;
        Lease all = leases.get(ConnectionGate.CONCURRENCYREMOTE);
        Lease site = limited(siteConnections) ? leases.get(ConnectionGate.site(key)) : null;
        if (!spare(all) || (limited(siteConnections) && !spare(site))) return false;
        all.used++;
        if (site != null) site.used++;
        return true;
    }

    private static boolean spare(Lease l) {
        return l != null && l.used < l.held && l.used < l.share;
    }

    /** A connection to site {@code key} closed. */
    void release(String key) {
        if (gates == null) return;
        for (String name : new String[] {ConnectionGate.CONCURRENCYREMOTE, ConnectionGate.site(key)}) {
            Lease l = leases.get(name);
            if (l != null && l.used > 0) l.used--;
        }
    }

    /**
     * What the waiting Hosts need now, one site key per permit asked for ({@code siteConnections} says each site's
     * limit): claims more where that is more than this partition holds spare, and gives back what nobody here needs.
     */
    void settle(Iterable<String> waiting, ToIntFunction<String> siteConnections, int concurrencyremote) {
        if (gates == null) return;
        Map<String, Integer> demand = new HashMap<>();
        Map<String, Integer> limits = new HashMap<>();
        for (String name : leases.keySet()) demand.put(name, 0);
        limits.put(ConnectionGate.CONCURRENCYREMOTE, concurrencyremote);
        int connectionsWanted = 0;
        for (String key : waiting) {
            connectionsWanted++;
            int connections = siteConnections.applyAsInt(key);
            if (limited(connections)) {
                demand.merge(ConnectionGate.site(key), 1, Integer::sum);
                limits.put(ConnectionGate.site(key), connections);
            }
        }
        // No more than concurrencyremote at once here either (0 holds the channel: nothing to claim).
        Lease all = leases.get(ConnectionGate.CONCURRENCYREMOTE);
        int open = all == null ? 0 : all.used;
        demand.put(ConnectionGate.CONCURRENCYREMOTE, Math.min(connectionsWanted,
                Math.max(0, concurrencyremote - open)));
        long now = clock.getAsLong();
        for (var d : demand.entrySet()) {
            Lease l = leases.computeIfAbsent(d.getKey(), k -> new Lease());
            if (limits.containsKey(d.getKey())) l.limit = limits.get(d.getKey());
            int spare = Math.max(0, Math.min(l.held, l.share) - l.used);
            l.wanted = Math.max(0, d.getValue() - spare);
            l.held = Math.min(l.held, l.used + Math.min(spare, d.getValue()));
            if (l.askedAt < 0 ? l.held != l.toldHeld || l.wanted != l.toldWanted
                    : now - l.askedAt > LOST_AFTER_MILLIS) {
                send(d.getKey(), l, now);
            }
        }
    }

    /**
     * Every {@link ConnectionGate#RENEW}: tells each gate again what this partition holds and wants, and sends again
     * a claim that got no answer (its gate was on a node that died).
     */
    void renew() {
        if (gates == null) return;
        leases.values().removeIf(l -> l.held == 0 && l.used == 0 && l.wanted == 0 && l.askedAt < 0);
        long now = clock.getAsLong();
        leases.forEach((name, l) -> {
            if (l.askedAt < 0 || now - l.askedAt > LOST_AFTER_MILLIS) send(name, l, now);
        });
    }

    /** Asks again where a claim that wanted more got nothing. */
    void retry() {
        if (gates == null) return;
        long now = clock.getAsLong();
        leases.forEach((name, l) -> {
            if (l.wanted > 0 && l.askedAt < 0) send(name, l, now);
        });
    }

    /** A gate's answer, or its word that this partition is above its share. */
    void allowed(ConnectionGate.Allowed a) {
        Lease l = leases.get(a.gate());
        if (l == null) return;
        l.share = a.share();
        if (!a.answer()) return;
        l.askedAt = -1;
        l.held += a.granted();
        l.toldHeld += a.granted();
        l.wanted = Math.max(0, l.wanted - a.granted());
        l.toldWanted = Math.max(0, l.toldWanted - a.granted());
    }

    /** Whether a gate says other partitions wait while this one holds its share or more. */
    boolean pressed() {
        for (Lease l : leases.values()) if (l.share < l.limit && l.held >= l.share) return true;
        return false;
    }

    /** How many leases of gate {@code name} this partition holds beyond its share. */
    int excess(String name) {
        Lease l = leases.get(name);
        return l == null || l.share >= l.limit ? 0 : Math.max(0, l.used - l.share);
    }

    /** Stopping: every lease goes back, so that the other partitions need not wait for it to expire. */
    void giveBack() {
        if (gates == null) return;
        long now = clock.getAsLong();
        leases.forEach((name, l) -> {
            if (l.held == 0 && l.wanted == 0) return;
            l.held = 0;
            l.wanted = 0;
            send(name, l, now);
        });
    }

    /** Whether a claim that wanted more got less (the RemoteSpawn asks again a moment later: {@link #retry}). */
    boolean starved() {
        for (Lease l : leases.values()) if (l.wanted > 0 && l.askedAt < 0) return true;
        return false;
    }

    private void send(String name, Lease l, long now) {
        l.askedAt = now;
        l.toldHeld = l.held;
        l.toldWanted = l.wanted;
        gates.gate().apply(name).tell(new ConnectionGate.Claim(gates.holder(), l.held, l.wanted, l.limit, replyTo));
    }
}
