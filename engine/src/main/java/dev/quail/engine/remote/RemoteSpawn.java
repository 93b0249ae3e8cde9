package dev.quail.engine.remote;

import dev.quail.config.Control;
import dev.quail.config.DnsServers;
import dev.quail.engine.Controls;
import dev.quail.engine.delivery.DeliveryResult;
import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.log.MessageLog;
import dev.quail.config.Routes;
import dev.quail.engine.remote.QmtpDelivery;
import dev.quail.engine.delivery.SpawnStatus;
import dev.quail.persistence.body.BodyStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.xbill.DNS.Resolver;

/**
 * qmail-rspawn, with qmail-send's concurrencyremote: takes each {@link RemoteJob}, groups its targets by
 * {@link Destination} (smtproutes, else the domain's MX) and envelope sender, and hands each group as one
 * {@link Batch} (one SMTP transaction) to the destination's {@link Host}, started on demand. It owns the
 * permits: at most concurrencyremote connections are open at once, counted over every Host, idle ones
 * included; control/concurrencyremote is read at each decision, so a change applies at once (0 holds the
 * channel). Hosts waiting for a permit are served in order; while any waits, Hosts with permits are told
 * (Pressure) so they close idle connections, and the one with the most permits may be asked to give one
 * back at the end of its current transaction (Reclaim, see reclaimFor). It keeps each destination's downed-host
 * table ({@link DownedHosts}, owned and used by that destination's Host) while Hosts come and go, writes them to
 * queue/tcpto every few seconds when they changed and reads them back at start; {@link ListDowned} and
 * {@link ClearDowned} serve quail tcpto and quail tcpok. The status line ("status: local l/L remote r/R") counts
 * open connections.
 *
 * <p>Failure policy: a Host that throws is restarted (its outstanding batches are answered as deferrals and its
 * permits given back first, see Host); the RemoteSpawn itself is restarted by the Queue, and its Hosts, stopped with
 * it, answer what they held the same way; the downed-host tables are read back from queue/tcpto.
 */
public final class RemoteSpawn {
    public sealed interface Command {}

    public record Deliver(RemoteJob job) implements Command {}

    /** quail tcpto: every address with recent connect timeouts. */
    public record ListDowned(ActorRef<List<DownedHost>> replyTo) implements Command {}

    /** quail tcpok: forget every connect timeout. */
    public record ClearDowned(ActorRef<Done> replyTo) implements Command {}

    /** One entry of a downed-host table: down while count >= 2 and the last timeout is recent. */
    public record DownedHost(String destination, String ip, long lastTimeoutMillis, int count) {}

    record Acquire(String key) implements Command {}

    record Release(String key) implements Command {}

    record Passivate(String key, long received) implements Command {}

    /** A graceful stop: no new transaction; answered once those on the wire (SMTP and QMTP) have finished. */
    public record Drain(ActorRef<Done> replyTo) implements Command {}

    record Drained(String key) implements Command {}

    private record QmtpDone() implements Command {}

    /** What every Host of this spawn shares. */
    record Shared(Controls controls, CurrentDns dns, AtomicLong deliveries, Supplier<Duration> reuseWindow,
                  BodyStore bodies) {}

    /**
     * The outside world, replaceable in tests: the SMTP port for MX and literal destinations, DNS, clock; and a
     * reuse window other than control/timeoutreuse's.
     */
    record Environment(int smtpPort, Function<DnsServers, Resolver> resolvers, LongSupplier clock,
                       long tcptoBackoffMillis, Optional<Duration> reuseWindow) {
        static Environment standard() {
            return new Environment(25, CurrentDns::standardResolver, System::currentTimeMillis,
                    DownedHosts.randomBackoffMillis(), Optional.empty());
        }
    }

    private enum Save implements Command { INSTANCE }

    static final Duration SAVE_EVERY = Duration.ofSeconds(5);

    /** A Host as the spawn sees it. */
    private static final class Entry {
        final ActorRef<Host.Command> ref;
        long sent;
        int permits;
        int reclaiming;

        Entry(ActorRef<Host.Command> ref) {
            this.ref = ref;
        }
    }

    private final ActorContext<Command> context;
    private final Controls controls;
    private final SpawnStatus status;
    private final Environment environment;
    private final Shared shared;
    private final Map<String, Entry> hosts = new HashMap<>();
    private final Map<String, DownedHosts> downed = new HashMap<>();
    private final Path tcpto;
    private final Set<String> draining = new HashSet<>();
    private ActorRef<Done> drainedReplyTo;
    private int qmtpInFlight;
    private final Set<String> holders = new LinkedHashSet<>();
    private final ArrayDeque<String> waiting = new ArrayDeque<>();
    private int permits;
    private boolean pressure;
    private long hostSeq;

    public static Behavior<Command> create(Controls controls, SpawnStatus status, BodyStore bodies) {
        return create(controls, status, Environment.standard(), bodies);
    }

    static Behavior<Command> create(Controls controls, SpawnStatus status, Environment environment,
                                    BodyStore bodies) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Save.INSTANCE, SAVE_EVERY);
            return new RemoteSpawn(context, controls, status, environment, bodies).receive();
        }));
    }

    private RemoteSpawn(ActorContext<Command> context, Controls controls, SpawnStatus status,
                        Environment environment, BodyStore bodies) {
        this.context = context;
        this.controls = controls;
        this.status = status;
        this.environment = environment;
        this.shared = new Shared(controls, new CurrentDns(environment.resolvers(), new LocalAddresses()),
                status.deliveries(), () -> environment.reuseWindow().orElseGet(() ->
                        Duration.ofSeconds(controls.current().control().limits().timeoutreuse())), bodies);
        this.tcpto = controls.home().queue().resolve("tcpto");
        TcptoFile.load(tcpto, this::downedFor);
    }

    private DownedHosts downedFor(String destination) {
        return downed.computeIfAbsent(destination,
                d -> new DownedHosts(environment.clock(), environment.tcptoBackoffMillis()));
    }

    /** Writes queue/tcpto when a table changed, and forgets empty tables whose Host is gone. */
    private Behavior<Command> onSave() {
        boolean changed = false;
        for (DownedHosts table : downed.values()) changed |= table.takeChanged();
        if (changed) TcptoFile.save(tcpto, downed);
        downed.entrySet().removeIf(e -> e.getValue().isEmpty() && !hosts.containsKey(e.getKey()));
        return Behaviors.same();
    }

    private Behavior<Command> receive() {
        return Behaviors.receive(Command.class)
                .onMessage(Deliver.class, this::onDeliver)
                .onMessage(Acquire.class, this::onAcquire)
                .onMessage(Release.class, this::onRelease)
                .onMessage(Passivate.class, this::onPassivate)
                .onMessageEquals(Save.INSTANCE, this::onSave)
                .onMessage(Drain.class, d -> {
                    drainedReplyTo = d.replyTo();
                    draining.addAll(hosts.keySet());
                    hosts.values().forEach(e -> e.ref.tell(Host.Drain.INSTANCE));
                    return answerDrain();
                })
                .onMessage(Drained.class, d -> {
                    draining.remove(d.key());
                    return answerDrain();
                })
                .onMessage(QmtpDone.class, q -> {
                    qmtpInFlight--;
                    return answerDrain();
                })
                .onMessage(ListDowned.class, l -> {
                    List<DownedHost> all = new ArrayList<>();
                    downed.forEach((destination, table) -> all.addAll(table.list(destination)));
                    l.replyTo().tell(all);
                    return Behaviors.same();
                })
                .onMessage(ClearDowned.class, c -> {
                    downed.values().forEach(DownedHosts::clear);
                    c.replyTo().tell(Done.getInstance());
                    return Behaviors.same();
                })
                .build();
    }

    private Behavior<Command> answerDrain() {
        if (drainedReplyTo != null && draining.isEmpty() && qmtpInFlight == 0) {
            drainedReplyTo.tell(Done.getInstance());
            drainedReplyTo = null;
        }
        return Behaviors.same();
    }

    private Behavior<Command> onDeliver(Deliver d) {
        // Stopping: the message is recovered after the restart and tries again then.
        if (drainedReplyTo != null || !draining.isEmpty()) return Behaviors.same();
        RemoteJob job = d.job();
        Control control = controls.current().control();
        Map<String, Destination> destinations = new HashMap<>();
        Map<List<String>, List<RemoteJob.Target>> groups = new LinkedHashMap<>();
        Map<List<Object>, List<RemoteJob.Target>> qmtp = new LinkedHashMap<>();
        for (RemoteJob.Target t : job.targets()) {
            int at = t.address().lastIndexOf('@');
            String domain = at < 0 ? "" : t.address().substring(at + 1);
            var qmtpRelay = control.qmtproutes().lookup(domain);
            if (qmtpRelay.isPresent()) {
                qmtp.computeIfAbsent(List.of(qmtpRelay.get(), t.sender()), k -> new ArrayList<>()).add(t);
                continue;
            }
            Destination dest = Destination.of(domain, control.smtproutes(), environment.smtpPort(),
                    control.tlsdestinations());
            destinations.putIfAbsent(dest.key(), dest);
            groups.computeIfAbsent(List.of(dest.key(), t.sender()), k -> new ArrayList<>()).add(t);
        }
        groups.forEach((key, targets) -> {
            Entry host = host(destinations.get(key.get(0)));
            host.sent++;
            host.ref.tell(new Host.Deliver(new Batch(job.messageId(), job.body(), key.get(1), targets,
                    job.replyTo(), List.of())));
        });
        qmtp.forEach((key, targets) -> viaQmtp(job, (Routes.Relay) key.get(0), (String) key.get(1), targets, control));
        return Behaviors.same();
    }

    /**
     * control/qmtproutes: one QMTP package per relay and sender. QMTP has no connection reuse to manage and
     * qmail's QMTP patches do not count it against concurrencyremote, so it bypasses the Host actors.
     */
    private void viaQmtp(RemoteJob job, Routes.Relay relay, String sender, List<RemoteJob.Target> targets,
                         Control control) {
        List<String> recipients = new ArrayList<>(targets.size());
        List<Long> numbers = new ArrayList<>(targets.size());
        for (RemoteJob.Target t : targets) {
            recipients.add(t.address());
            long n = shared.deliveries().incrementAndGet();
            numbers.add(n);
            MessageLog.starting(n, job.messageId(), "remote", t.address());
        }
        qmtpInFlight++;
        ActorRef<Command> self = context.getSelf();
        QmtpDelivery.deliver(context.getSystem(), shared.bodies(), relay, new QmtpDelivery.Timeouts(
                        Duration.ofSeconds(control.timeoutconnect()), Duration.ofSeconds(control.timeoutremote()),
                        Duration.ofSeconds(control.limits().timeouttransaction())), sender, recipients, job.body())
                .whenComplete((outcomes, failure) -> {
                    for (int i = 0; i < targets.size(); i++) {
                        Outcome o = outcomes != null ? outcomes.get(i)
                                : new Outcome.Deferral("QMTP delivery failed: " + failure + " (#4.4.2)");
                        MessageLog.result(numbers.get(i), o);
                        job.replyTo().tell(new DeliveryResult(targets.get(i).recipient(), o));
                    }
                    self.tell(new QmtpDone()); // after the results, so a drain ends after the Messages have them
                });
    }

    private Entry host(Destination dest) {
        // A Host that throws is restarted; it answers what it held and gives its permits back first (see Host).
        return hosts.computeIfAbsent(dest.key(), k -> new Entry(context.spawn(Behaviors.supervise(
                Host.create(dest, context.getSelf(), shared, downedFor(k))).onFailure(SupervisorStrategy.restart()),
                "host-" + ++hostSeq)));
    }

    private Behavior<Command> onAcquire(Acquire a) {
        if (!hosts.containsKey(a.key())) return Behaviors.same();
        waiting.add(a.key());
        grant();
        if (!waiting.isEmpty()) reclaimFor(a.key());
        return Behaviors.same();
    }

    private Behavior<Command> onRelease(Release r) {
        Entry e = hosts.get(r.key());
        if (e != null && e.permits > 0) {
            e.permits--;
            if (e.reclaiming > 0) e.reclaiming--;
            if (e.permits == 0) holders.remove(r.key());
            permits--;
        }
        grant();
        return Behaviors.same();
    }

    private Behavior<Command> onPassivate(Passivate p) {
        Entry e = hosts.get(p.key());
        if (e != null && e.sent == p.received() && e.permits == 0 && !waiting.contains(p.key())) {
            hosts.remove(p.key());
            context.stop(e.ref);
            draining.remove(p.key());
            answerDrain();
        }
        return Behaviors.same();
    }

    private void grant() {
        int limit = controls.current().control().concurrencyremote();
        int before = permits;
        while (permits < limit && !waiting.isEmpty()) {
            String key = waiting.poll();
            Entry e = hosts.get(key);
            if (e == null) continue;
            e.permits++;
            holders.add(key);
            permits++;
            e.ref.tell(new Host.Grant(!waiting.isEmpty()));
        }
        if (permits != before) status.remote(permits, limit);
        boolean now = !waiting.isEmpty();
        if (now != pressure) {
            pressure = now;
            for (String key : holders) hosts.get(key).ref.tell(new Host.Pressure(now));
        }
    }

    /**
     * Fairness: one permit back from the Host with the most, when the asker has none (so no destination
     * starves behind a busy one) or has two fewer (so shares even out without trading permits back and forth).
     */
    private void reclaimFor(String asker) {
        int mine = hosts.get(asker).permits;
        int above = mine == 0 ? 0 : mine + 1;
        Entry victim = null;
        for (String key : holders) {
            Entry e = hosts.get(key);
            if (key.equals(asker) || e.permits - e.reclaiming <= above) continue;
            if (victim == null || e.permits - e.reclaiming > victim.permits - victim.reclaiming) victim = e;
        }
        if (victim != null) {
            victim.reclaiming++;
            victim.ref.tell(Host.Reclaim.INSTANCE);
        }
    }
}
