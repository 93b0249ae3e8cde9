package dev.quail.engine.remote;

import dev.quail.config.Control;
import dev.quail.engine.delivery.DeliveryResult;
import dev.quail.engine.log.MessageLog;
import dev.quail.engine.delivery.Outcome;
import dev.quail.protocols.smtpclient.Report;
import dev.quail.protocols.smtpclient.TlsPolicy;
import dev.quail.protocols.smtpclient.TransactionResult;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One remote destination: a {@link Destination} key, that is an MX-routed domain, an smtproutes relay (with
 * every domain routed to it) or an address literal. The granularity is the routed destination, not the MX
 * host or IP, because that is what decides which recipients may share a transaction (RCPT TO for several
 * recipients only makes sense where the same MX list serves them all) and it needs no DNS before the
 * recipients are grouped; a domain's MX addresses are tried in order by each {@link Connection}, and the
 * state that belongs to an address (down or not) is in this destination's own {@link DownedHosts}, which its
 * connections fill in and which the RemoteSpawn keeps (and writes to queue/tcpto) while Hosts come and go.
 *
 * <p>It queues the {@link Batch}es the RemoteSpawn hands it, in order, and runs each on a connection: one
 * that is idle (connection reuse), else a new one, for which it first needs a permit from the RemoteSpawn
 * (concurrencyremote counts open connections, idle ones included; the same number caps one destination).
 * Addresses are looked up for each set of new connections (cached by the resolver as the TTLs say); a DNS
 * failure settles every batch waiting here the same way. When a connection cannot reach any address, the
 * batches waiting here are deferred with it unless another connection to the destination is up (the
 * destination is down for all of them). A connection that is idle waits for the next batch for the reuse
 * window and then QUITs, at once if other destinations are waiting for a permit (Pressure); a Reclaim asks
 * for one connection back at the next transaction's end, so one busy destination cannot keep every permit.
 * Each recipient's result goes straight to its Message and to the log; nothing is kept about a message
 * after its batch is settled. With nothing queued and no connection the Host asks to be stopped.
 *
 * <p>Failure policy: the RemoteSpawn restarts a Host that throws. Before it goes, and whenever it stops, the Host
 * answers every batch it holds (queued or on a connection) with a deferral and gives back the permits it holds, so
 * nothing waits on a Host that is gone; its connections stop with it. A permit granted to the Host before the
 * restart is given straight back.
 */
final class Host {
    sealed interface Command {}

    record Deliver(Batch batch) implements Command {}

    /** A permit for one more connection; {@code pressure}: other destinations are waiting for one. */
    record Grant(boolean pressure) implements Command {}

    record Pressure(boolean others) implements Command {}

    enum Reclaim implements Command { INSTANCE }

    /** A graceful stop: start nothing more, finish the transactions on the wire, then say so (Drained). */
    enum Drain implements Command { INSTANCE }

    record Done(ActorRef<Connection.Command> connection, TransactionResult result) implements Command {}

    record Ready(ActorRef<Connection.Command> connection) implements Command {}

    record Unreachable(ActorRef<Connection.Command> connection, String report) implements Command {}

    private record Gone(ActorRef<Connection.Command> connection) implements Command {}

    private record Resolved(Dns.Resolution resolution) implements Command {}

    private record Linger(ActorRef<Connection.Command> connection) implements Command {}

    private enum State { BUSY, SETTLING, IDLE, CLOSING }

    /** A connection lost with a batch it never reported on (it failed, or never saw the batch). */
    static final String LOST = "Sorry, the connection to the remote host was lost. (#4.4.2)";

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final Destination destination;
    private final ActorRef<RemoteSpawn.Command> spawn;
    private final RemoteSpawn.Shared shared;
    private final DownedHosts downed;
    private final ArrayDeque<Batch> queue = new ArrayDeque<>();
    private final Map<ActorRef<Connection.Command>, State> connections = new LinkedHashMap<>();
    private final Map<ActorRef<Connection.Command>, Batch> running = new HashMap<>();
    private int requested;
    private int opening;
    private int owed;
    private boolean resolving;
    private boolean pressure;
    private boolean passivating;
    private boolean draining;
    private boolean drained;
    private long received;
    private long connectionSeq;

    /** Answers the batches of a Host that crashed or stopped with them. */
    static final String HOST_GONE = "Sorry, the delivery to this destination was interrupted. (#4.3.0)";

    static Behavior<Command> create(Destination destination, ActorRef<RemoteSpawn.Command> spawn,
                                    RemoteSpawn.Shared shared, DownedHosts downed) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
                new Host(context, timers, destination, spawn, shared, downed).receive()));
    }

    private Host(ActorContext<Command> context, TimerScheduler<Command> timers, Destination destination,
                 ActorRef<RemoteSpawn.Command> spawn, RemoteSpawn.Shared shared, DownedHosts downed) {
        this.context = context;
        this.timers = timers;
        this.destination = destination;
        this.spawn = spawn;
        this.shared = shared;
        this.downed = downed;
    }

    private Behavior<Command> receive() {
        return Behaviors.receive(Command.class)
                .onMessage(Deliver.class, this::onDeliver)
                .onMessage(Grant.class, this::onGrant)
                .onMessage(Pressure.class, this::onPressure)
                .onMessage(Reclaim.class, r -> onReclaim())
                .onMessage(Resolved.class, this::onResolved)
                .onMessage(Done.class, this::onDone)
                .onMessage(Ready.class, this::onReady)
                .onMessage(Unreachable.class, this::onUnreachable)
                .onMessage(Gone.class, this::onGone)
                .onMessage(Linger.class, this::onLinger)
                .onMessageEquals(Drain.INSTANCE, () -> {
                    draining = true;
                    for (var c : List.copyOf(connections.keySet())) {
                        if (connections.get(c) == State.IDLE) quit(c);
                    }
                    return pump();
                })
                .onSignal(PreRestart.class, signal -> settleAll())
                .onSignal(PostStop.class, signal -> settleAll())
                .build();
    }

    /** Going away (a crash, or stopped with the spawn): nothing it held may wait for it. */
    private Behavior<Command> settleAll() {
        Outcome gone = new Outcome.Deferral(HOST_GONE);
        running.values().forEach(batch -> settle(batch, gone));
        running.clear();
        while (!queue.isEmpty()) settle(queue.poll(), gone);
        for (int i = 0; i < connections.size() + opening; i++) release();
        connections.clear();
        opening = 0;
        return Behaviors.same();
    }

    private Behavior<Command> onDeliver(Deliver d) {
        received++;
        passivating = false;
        queue.add(d.batch());
        return pump();
    }

    private Behavior<Command> onGrant(Grant g) {
        if (requested == 0 || draining) {
            if (requested > 0) requested--;
            release(); // asked for by this Host before it restarted
            return Behaviors.same();
        }
        requested--;
        pressure = g.pressure();
        if (queue.size() - opening <= 0) {
            release();
        } else {
            opening++;
            resolve();
        }
        return pump();
    }

    private void resolve() {
        if (resolving) return;
        resolving = true;
        Control control = shared.controls().current().control();
        context.pipeToSelf(shared.dns().get(control.dnsservers()).resolve(destination), (resolution, failure) ->
                new Resolved(failure == null ? resolution
                        : new Dns.Resolution.Failed(new Outcome.Deferral(Dns.TEMPORARY))));
    }

    private Behavior<Command> onResolved(Resolved r) {
        resolving = false;
        int slots = opening;
        opening = 0;
        if (draining) {
            for (int i = 0; i < slots; i++) release();
        } else if (r.resolution() instanceof Dns.Resolution.Failed failed) {
            while (!queue.isEmpty()) settle(queue.poll(), failed.outcome());
            for (int i = 0; i < slots; i++) release();
        } else {
            Dns.Resolution.Found found = (Dns.Resolution.Found) r.resolution();
            for (int i = 0; i < slots; i++) {
                if (queue.isEmpty()) release();
                else open(queue.poll(), found);
            }
        }
        return pump();
    }

    private void open(Batch waiting, Dns.Resolution.Found found) {
        Batch batch = waiting.start(shared.deliveries());
        Control control = shared.controls().current().control();
        Connection.Settings settings = new Connection.Settings(control.helohost(),
                Duration.ofSeconds(Math.max(1, control.timeoutconnect())),
                Duration.ofSeconds(Math.max(1, control.timeoutremote())),
                Duration.ofSeconds(control.limits().timeouttransaction()),
                destination.tlsRequired() ? TlsPolicy.ENCRYPT : TlsPolicy.MAY);
        ActorRef<Connection.Command> connection = context.spawn(Connection.create(context.getSelf(),
                found.addresses(), destination.port(), batch, settings, downed, shared.bodies()),
                "smtp-" + ++connectionSeq);
        context.watchWith(connection, new Gone(connection));
        connections.put(connection, State.BUSY);
        running.put(connection, batch);
    }

    private Behavior<Command> onDone(Done d) {
        Batch batch = running.remove(d.connection());
        if (batch != null) report(batch, d.result());
        if (connections.get(d.connection()) == State.BUSY) connections.put(d.connection(), State.SETTLING);
        return pump();
    }

    private Behavior<Command> onReady(Ready r) {
        ActorRef<Connection.Command> c = r.connection();
        if (!connections.containsKey(c) || connections.get(c) == State.CLOSING) return Behaviors.same();
        if (owed > 0 || draining) {
            if (owed > 0) owed--;
            quit(c);
        } else if (!queue.isEmpty()) {
            run(c, queue.poll());
        } else if (pressure) {
            quit(c);
        } else {
            connections.put(c, State.IDLE);
            timers.startSingleTimer(c, new Linger(c), shared.reuseWindow().get());
        }
        return pump();
    }

    private Behavior<Command> onLinger(Linger l) {
        if (connections.get(l.connection()) == State.IDLE) quit(l.connection());
        return Behaviors.same();
    }

    private Behavior<Command> onUnreachable(Unreachable u) {
        Outcome outcome = new Outcome.Deferral(u.report());
        Batch batch = running.remove(u.connection());
        connections.put(u.connection(), State.CLOSING);
        if (batch != null) settle(batch, outcome);
        if (!connections.containsValue(State.BUSY) && !connections.containsValue(State.SETTLING)
                && !connections.containsValue(State.IDLE)) {
            while (!queue.isEmpty()) settle(queue.poll(), outcome);
        }
        return pump();
    }

    private Behavior<Command> onGone(Gone g) {
        connections.remove(g.connection());
        timers.cancel(g.connection());
        Batch batch = running.remove(g.connection());
        if (batch != null) settle(batch, new Outcome.Deferral(LOST));
        release();
        return pump();
    }

    private Behavior<Command> onReclaim() {
        for (var e : connections.entrySet()) {
            if (e.getValue() == State.IDLE) {
                quit(e.getKey());
                return Behaviors.same();
            }
        }
        owed++;
        return Behaviors.same();
    }

    private Behavior<Command> onPressure(Pressure p) {
        pressure = p.others();
        if (pressure) {
            for (var c : List.copyOf(connections.keySet())) {
                if (connections.get(c) == State.IDLE) quit(c);
            }
        }
        return Behaviors.same();
    }

    /** Puts waiting batches on idle connections, asks for permits for the rest, or asks to be stopped. */
    private Behavior<Command> pump() {
        if (draining) {
            // What is queued stays unanswered: its Messages are recovered after the restart and try again at once.
            if (!drained && running.isEmpty() && opening == 0 && !resolving) {
                drained = true;
                spawn.tell(new RemoteSpawn.Drained(destination.key()));
            }
            return Behaviors.same();
        }
        for (var c : List.copyOf(connections.keySet())) {
            if (queue.isEmpty()) break;
            if (connections.get(c) == State.IDLE) run(c, queue.poll());
        }
        int settling = 0;
        for (State s : connections.values()) {
            if (s == State.SETTLING) settling++;
        }
        int cap = shared.controls().current().control().concurrencyremote();
        int held = connections.size() + opening + requested;
        int wanted = queue.size() - opening - requested - settling;
        while (wanted > 0 && held < cap) {
            spawn.tell(new RemoteSpawn.Acquire(destination.key()));
            requested++;
            held++;
            wanted--;
        }
        if (queue.isEmpty() && connections.isEmpty() && opening == 0 && requested == 0 && !resolving
                && !passivating) {
            passivating = true;
            spawn.tell(new RemoteSpawn.Passivate(destination.key(), received));
        }
        return Behaviors.same();
    }

    private void run(ActorRef<Connection.Command> c, Batch waiting) {
        Batch batch = waiting.start(shared.deliveries());
        timers.cancel(c);
        connections.put(c, State.BUSY);
        running.put(c, batch);
        c.tell(new Connection.Run(batch));
    }

    private void quit(ActorRef<Connection.Command> c) {
        timers.cancel(c);
        connections.put(c, State.CLOSING);
        c.tell(Connection.Quit.INSTANCE);
    }

    private void release() {
        spawn.tell(new RemoteSpawn.Release(destination.key()));
    }

    /** Recipients refused for "too many recipients" in an accepted transaction go again, first, at once. */
    private void report(Batch batch, TransactionResult result) {
        for (int i = 0; i < batch.targets().size(); i++) {
            if (!result.tooMany().contains(i)) tell(batch, i, outcome(result.reports().get(i)));
        }
        if (!result.tooMany().isEmpty()) queue.addFirst(batch.subset(result.tooMany()));
    }

    private void settle(Batch waiting, Outcome outcome) {
        Batch batch = waiting.start(shared.deliveries());
        for (int i = 0; i < batch.targets().size(); i++) tell(batch, i, outcome);
    }

    private static void tell(Batch batch, int i, Outcome outcome) {
        MessageLog.result(batch.numbers().get(i), outcome);
        batch.replyTo().tell(new DeliveryResult(batch.targets().get(i).recipient(), outcome));
    }

    private static Outcome outcome(Report report) {
        return switch (report.kind()) {
            case SUCCESS -> new Outcome.Success(report.text());
            case DEFERRAL -> new Outcome.Deferral(report.text());
            case FAILURE -> new Outcome.Failure(report.text());
        };
    }
}
