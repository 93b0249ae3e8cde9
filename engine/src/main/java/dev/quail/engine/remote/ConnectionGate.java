package dev.quail.engine.remote;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A cluster's count of open connections under one limit, so that the limit holds for the cluster as a whole and not
 * for each queue partition: {@link #CONCURRENCYREMOTE} (control/concurrencyremote), or one site's {@code connections}
 * (control/shaping). Sharded by that name, one gate per limit in the cluster. Each partition's RemoteSpawn holds
 * leases here ({@link Leases}) and opens a connection only on a lease; a claim says how many it holds and how many
 * more it wants, and is answered with what it may take now. While more than one partition wants, none is given more
 * than an even share of the limit, and the answer says so, so that partitions above their share close idle
 * connections.
 *
 * <p>The partitions' claims are the truth: each carries what its sender holds, every partition with leases claims
 * again every {@link #RENEW}, and a partition not heard from in {@link #EXPIRE} (its node died) holds nothing. So a
 * gate that restarts, or starts again on another node after its own was killed, knows every lease again within
 * RENEW; until then it may grant up to what the silent partitions hold beyond the limit. A gate with no lease and no
 * claim asks to be stopped ({@code idle}): memory for a site ends with its traffic.
 *
 * <p>Failure policy: restarted by sharding on the next claim when it throws; it loses its counts, which the next
 * claims give back as above.
 */
public final class ConnectionGate {
    /** Typed by class on the wire: claims come from every node. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
    public sealed interface Command {}

    /**
     * Partition {@code holder} holds {@code held} leases and wants {@code wanted} more under {@code limit} (its own
     * node's control files: the last claim's limit is the gate's).
     */
    public record Claim(String holder, int held, int wanted, int limit, ActorRef<Allowed> replyTo)
            implements Command {}

    /**
     * {@code granted} more leases; {@code share}: how many the holder may hold while others wait. Not
     * {@code answer}: no claim asked, another partition began to wait and the holder is above its share.
     */
    public record Allowed(String gate, int granted, int share, boolean answer) {}

    private enum Expire implements Command { INSTANCE }

    /** Where a cluster's gates are (sharding) and who a queue partition is to them. */
    public record Gates(String holder, Function<String, RecipientRef<Command>> gate) {}

    /** The gate of control/concurrencyremote; a site's is {@link #site}. */
    public static final String CONCURRENCYREMOTE = "concurrencyremote";
    static final Duration RENEW = Duration.ofSeconds(5);
    static final Duration EXPIRE = RENEW.multipliedBy(3);
    /** A claim that wanted more counts as waiting this long: about the time between a holder's claims. */
    static final long WAITING_MILLIS = 1_000;

    /** The gate of the site (or shaped domain) a Host serves. */
    public static String site(String key) {
        return "site " + key;
    }

    private static final class Holder {
        int held;
        long seen;
        long wantedAt;
        ActorRef<Allowed> replyTo;
        /** The share it was last told of: it is told again only when that changes. */
        int told = -1;
    }

    private final String name;
    private final LongSupplier clock;
    private final Consumer<ActorRef<Command>> idle;
    private final ActorContext<Command> context;
    private final Map<String, Holder> holders = new HashMap<>();

    private ConnectionGate(ActorContext<Command> context, String name, LongSupplier clock,
                           Consumer<ActorRef<Command>> idle) {
        this.context = context;
        this.name = name;
        this.clock = clock;
        this.idle = idle;
    }

    /** The gate {@code name}; {@code idle} is told when it holds nothing (sharding passivates it). */
    public static Behavior<Command> create(String name, LongSupplier clock, Consumer<ActorRef<Command>> idle) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Expire.INSTANCE, RENEW);
            ConnectionGate gate = new ConnectionGate(context, name, clock, idle);
            return Behaviors.receive(Command.class)
                    .onMessage(Claim.class, gate::onClaim)
                    .onMessageEquals(Expire.INSTANCE, gate::onExpire)
                    .build();
        }));
    }

    private Behavior<Command> onClaim(Claim c) {
        long now = clock.getAsLong();
        expire(now);
        Holder h = holders.computeIfAbsent(c.holder(), k -> new Holder());
        h.held = Math.max(0, c.held());
        h.seen = now;
        h.replyTo = c.replyTo();
        int others = 0;
        int active = 1;
        boolean othersWait = false;
        for (Holder o : holders.values()) {
            if (o == h) continue;
            others += o.held;
            othersWait |= waiting(o, now);
            if (o.held > 0 || waiting(o, now)) active++;
        }
        int limit = Math.max(0, c.limit());
        int share = othersWait ? (limit + active - 1) / active : limit;
        // What the waiting others lack of their share is kept for them; beyond that, a free lease goes to anyone.
        int keptForOthers = 0;
        for (Holder o : holders.values()) {
            if (o != h && waiting(o, now)) keptForOthers += Math.max(0, share - o.held);
        }
        int free = limit - others - h.held;
        int granted = Math.max(0, Math.min(c.wanted(), Math.min(free, Math.max(share - h.held,
                free - keptForOthers))));
        h.held += granted;
        h.wantedAt = c.wanted() > granted ? now : 0;
        h.told = share;
        if (h.wantedAt != 0) pressAbove(h, limit, active);
        if (h.held == 0 && h.wantedAt == 0) holders.remove(c.holder());
        if (holders.isEmpty()) idle.accept(context.getSelf());
        c.replyTo().tell(new Allowed(name, granted, share, true));
        return Behaviors.same();
    }

    private static boolean waiting(Holder h, long now) {
        return now - h.wantedAt < WAITING_MILLIS;
    }

    /** Tells the holders above an even share (the waiting {@code asker} counted in) that they are. */
    private void pressAbove(Holder asker, int limit, int active) {
        int share = (limit + active - 1) / active;
        for (Holder o : holders.values()) {
            if (o != asker && o.held > share && o.told != share) {
                o.told = share;
                o.replyTo.tell(new Allowed(name, 0, share, false));
            }
        }
    }

    private Behavior<Command> onExpire() {
        expire(clock.getAsLong());
        if (holders.isEmpty()) idle.accept(context.getSelf());
        return Behaviors.same();
    }

    private void expire(long now) {
        holders.values().removeIf(h -> now - h.seen > EXPIRE.toMillis());
    }
}
