package dev.quail.engine.remote;

import dev.quail.config.Control;
import dev.quail.config.Responses;
import dev.quail.config.Shaping;
import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.log.MessageLog;
import dev.quail.protocols.smtpclient.Report;
import dev.quail.protocols.smtpclient.TlsPolicy;
import dev.quail.protocols.smtpclient.TransactionResult;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One remote {@link Site} (an MX host set, an smtproutes relay or an address literal), or one domain of a site that
 * control/shaping shapes apart: the unit of a delivery budget. Every domain on one MX set shares its connections,
 * its rate buckets and its downed-host table ({@link DownedHosts}, filled in by its connections and kept by the
 * RemoteSpawn, and queue/tcpto, while Hosts come and go).
 *
 * <p>It queues the {@link Batch}es the RemoteSpawn hands it, in order, and runs each on a connection: one that is
 * idle (connection reuse), else a new one, for which it first needs a permit from the RemoteSpawn (concurrencyremote
 * counts open connections, idle ones included). Its {@link Budget} says how far it may go: the site's connections,
 * a connection-rate token per new connection, a message-rate token per transaction (a Tick comes when the next
 * token is due), messages-per-connection and connection-time before a connection is closed and replaced, and how
 * many recipients may wait here: a batch beyond that goes back to its Message, postponed by about the time the site
 * needs for what it holds, with jitter, so no site keeps an unbounded queue in memory. Addresses are looked up for
 * each set of new connections (cached as the TTLs say); a DNS failure settles every batch waiting here the same way.
 * When a connection cannot reach any address, the batches waiting here are deferred with it unless another
 * connection to the site is up. A connection that is idle waits for the next batch for the reuse window and then
 * QUITs, at once if other sites are waiting for a permit (Pressure); a Reclaim asks for one connection back at the
 * next transaction's end, so one busy site cannot keep every permit. A peer that closes a connection after it
 * carried mail (a provider's per-connection limit, said by closing) is not a failure: what was sent on it and had
 * not reached its end of data runs again on a new connection. With mx-fallback, a 421 on a connection's first
 * transaction sends it to the site's next address, unless every address said so lately.
 *
 * <p>Every reply is matched against control/responses: a bounce rule fails its recipients at once; suspend and
 * throttle rules are the RemoteSpawn's to count and apply, so the recipients whose reply matched one are answered
 * through it ({@link RemoteSpawn.Matched}). While the site is held (a suspension, {@link Hold}), it opens nothing,
 * closes each connection at its transaction's end and hands what it holds back to the RemoteSpawn to postpone; the
 * same for the batches of a held domain. Each recipient's result goes straight to its Message and to the log. With
 * nothing queued and no connection the Host asks to be stopped, once its rate buckets are full again.
 *
 * <p>Failure policy: the RemoteSpawn restarts a Host that throws. Before it goes, and whenever it stops, the Host
 * answers every batch it holds (queued or on a connection) with a deferral and gives back the permits it holds, so
 * nothing waits on a Host that is gone; its connections stop with it. A permit granted to the Host before the
 * restart is given straight back, and the RemoteSpawn, told of the restart, sends its limits and holds again.
 */
final class Host {
    sealed interface Command {}

    record Deliver(Batch batch) implements Command {}

    /** A permit for one more connection; {@code pressure}: other sites are waiting for one. */
    record Grant(boolean pressure) implements Command {}

    record Pressure(boolean others) implements Command {}

    enum Reclaim implements Command { INSTANCE }

    /** A graceful stop: start nothing more, finish the transactions on the wire, then say so (Drained). */
    enum Drain implements Command { INSTANCE }

    /** The limits now in force (control/shaping reloaded, a throttle began or ended). */
    record Reshape(Shaping.Limits limits) implements Command {}

    /** What is suspended now: the whole site, and which domains' mail wherever it goes. */
    record Hold(boolean site, Set<String> domains) implements Command {}

    record Done(ActorRef<Connection.Command> connection, InetAddress peer, TransactionResult result)
            implements Command {}

    record Ready(ActorRef<Connection.Command> connection) implements Command {}

    record Unreachable(ActorRef<Connection.Command> connection, String report) implements Command {}

    /**
     * The peer closed a connection that had carried {@code runs} transactions, with nothing sent on it past its
     * end of data: what the Host gave it goes again.
     */
    record Closed(ActorRef<Connection.Command> connection, InetAddress peer, int runs) implements Command {}

    private record Gone(ActorRef<Connection.Command> connection) implements Command {}

    private record Resolved(Dns.Resolution resolution) implements Command {}

    private record Linger(ActorRef<Connection.Command> connection) implements Command {}

    /** A token the Host waits for is due. */
    private enum Tick implements Command { INSTANCE }

    /** What a Host is, as the RemoteSpawn made it. {@code key}: the site's, or "SITE for DOMAIN". */
    record Setup(String key, Site site, Shaping.Limits limits, DownedHosts downed, SiteStats stats) {}

    private enum State { BUSY, SETTLING, IDLE, CLOSING }

    private static final class Link {
        State state = State.BUSY;
        final long opened;
        int runs = 1;

        Link(long opened) {
            this.opened = opened;
        }
    }

    /** A connection lost with a batch it never reported on (it failed, or never saw the batch). */
    static final String LOST = "Sorry, the connection to the remote host was lost. (#4.4.2)";
    /** Answers the batches of a Host that crashed or stopped with them. */
    static final String HOST_GONE = "Sorry, the delivery to this destination was interrupted. (#4.3.0)";
    static final String BOUNCED = "Quail gives up on this reply, as control/responses says.";
    /** How long an address that said 421 goes to the end of the list, with mx-fallback. */
    static final Duration REFUSED_FOR = Duration.ofMinutes(5);

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final Setup setup;
    private final ActorRef<RemoteSpawn.Command> spawn;
    private final RemoteSpawn.Shared shared;
    private final Budget budget;
    private final Random random = new Random();
    private final ArrayDeque<Batch> queue = new ArrayDeque<>();
    private final Map<ActorRef<Connection.Command>, Link> connections = new LinkedHashMap<>();
    private final Map<ActorRef<Connection.Command>, Batch> running = new HashMap<>();
    private final Map<InetAddress, Long> refused = new HashMap<>();
    private int ready;
    private int addresses;
    private boolean held;
    private Set<String> heldDomains = Set.of();
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

    static Behavior<Command> create(Setup setup, ActorRef<RemoteSpawn.Command> spawn, RemoteSpawn.Shared shared) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
                new Host(context, timers, setup, spawn, shared).receive()));
    }

    private Host(ActorContext<Command> context, TimerScheduler<Command> timers, Setup setup,
                 ActorRef<RemoteSpawn.Command> spawn, RemoteSpawn.Shared shared) {
        this.context = context;
        this.timers = timers;
        this.setup = setup;
        this.spawn = spawn;
        this.shared = shared;
        this.budget = new Budget(setup.limits(), now());
    }

    private Behavior<Command> receive() {
        return Behaviors.receive(Command.class)
                .onMessage(Deliver.class, this::onDeliver)
                .onMessage(Grant.class, this::onGrant)
                .onMessage(Pressure.class, this::onPressure)
                .onMessage(Reclaim.class, r -> onReclaim())
                .onMessage(Reshape.class, r -> {
                    budget.reshape(r.limits(), now());
                    return pump();
                })
                .onMessage(Hold.class, this::onHold)
                .onMessage(Resolved.class, this::onResolved)
                .onMessage(Done.class, this::onDone)
                .onMessage(Ready.class, this::onReady)
                .onMessage(Unreachable.class, this::onUnreachable)
                .onMessage(Closed.class, this::onClosed)
                .onMessage(Gone.class, this::onGone)
                .onMessage(Linger.class, this::onLinger)
                .onMessageEquals(Tick.INSTANCE, this::pump)
                .onMessageEquals(Drain.INSTANCE, () -> {
                    draining = true;
                    quitIdle();
                    return pump();
                })
                .onSignal(PreRestart.class, signal -> {
                    settleAll();
                    spawn.tell(new RemoteSpawn.Restarted(setup.key()));
                    return Behaviors.same();
                })
                .onSignal(PostStop.class, signal -> settleAll())
                .build();
    }

    /** Going away (a crash, or stopped with the spawn): nothing it held may wait for it. */
    private Behavior<Command> settleAll() {
        Outcome gone = new Outcome.Deferral(HOST_GONE);
        running.values().forEach(batch -> batch.settle(shared.deliveries(), gone));
        running.clear();
        while (!queue.isEmpty()) dequeue().settle(shared.deliveries(), gone);
        for (int i = 0; i < connections.size() + opening; i++) release();
        connections.clear();
        opening = 0;
        return Behaviors.same();
    }

    private long now() {
        return shared.clock().getAsLong();
    }

    private Behavior<Command> onDeliver(Deliver d) {
        received++;
        passivating = false;
        Batch batch = d.batch();
        if (!queue.isEmpty() && ready + batch.targets().size() > budget.readyCap()) {
            long due = now() + budget.overflowDelayMillis(ready, random);
            batch.settle(shared.deliveries(), new Outcome.Postponed("Sorry, too much mail is waiting for "
                    + setup.key() + " already; it goes later. (#4.4.5)", due));
            return Behaviors.same();
        }
        admit(batch, false);
        return pump();
    }

    /** Queues a batch (first: ahead of the rest), except the targets a hold keeps back, which go to the spawn. */
    private void admit(Batch batch, boolean first) {
        List<Integer> kept = new ArrayList<>();
        List<Integer> free = new ArrayList<>();
        for (int i = 0; i < batch.targets().size(); i++) {
            boolean isHeld = held || heldDomains.contains(batch.targets().get(i).domain());
            (isHeld ? kept : free).add(i);
        }
        Batch rest = batch;
        if (!kept.isEmpty()) {
            spawn.tell(new RemoteSpawn.Postpone(setup.key(), batch.subset(kept)));
            if (free.isEmpty()) return;
            rest = batch.subset(free);
        }
        ready += rest.targets().size();
        if (first) queue.addFirst(rest);
        else queue.addLast(rest);
    }

    private Batch dequeue() {
        Batch b = queue.poll();
        ready -= b.targets().size();
        return b;
    }

    /** The next batch, for a connection. */
    private Batch handOut() {
        Batch b = dequeue();
        budget.handedOut(b.targets().size(), now());
        return b;
    }

    private Behavior<Command> onHold(Hold h) {
        held = h.site();
        heldDomains = h.domains();
        if (held) quitIdle();
        List<Batch> queued = new ArrayList<>(queue);
        queue.clear();
        ready = 0;
        for (Batch b : queued) admit(b, false);
        return pump();
    }

    private Behavior<Command> onGrant(Grant g) {
        if (requested == 0 || draining || held) {
            if (requested > 0) requested--;
            release(); // asked for by this Host before it restarted, or no longer wanted
            return pump();
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
        context.pipeToSelf(shared.dns().get(control.dnsservers()).resolve(setup.site()), (resolution, failure) ->
                new Resolved(failure == null ? resolution
                        : new Dns.Resolution.Failed(new Outcome.Deferral(Dns.TEMPORARY))));
    }

    private Behavior<Command> onResolved(Resolved r) {
        resolving = false;
        int slots = opening;
        opening = 0;
        if (draining || held) {
            for (int i = 0; i < slots; i++) release();
        } else if (r.resolution() instanceof Dns.Resolution.Failed failed) {
            while (!queue.isEmpty()) dequeue().settle(shared.deliveries(), failed.outcome());
            for (int i = 0; i < slots; i++) release();
        } else {
            Dns.Resolution.Found found = (Dns.Resolution.Found) r.resolution();
            addresses = found.addresses().size();
            for (int i = 0; i < slots; i++) {
                if (queue.isEmpty()) release();
                else open(handOut(), found.addresses());
            }
        }
        return pump();
    }

    private void open(Batch waiting, List<InetAddress> found) {
        Batch batch = waiting.start(shared.deliveries());
        Control control = shared.controls().current().control();
        Connection.Settings settings = new Connection.Settings(control.helohost(),
                Duration.ofSeconds(Math.max(1, control.timeoutconnect())),
                Duration.ofSeconds(Math.max(1, control.timeoutremote())),
                Duration.ofSeconds(control.limits().timeouttransaction()),
                setup.site().tlsRequired() ? TlsPolicy.ENCRYPT : TlsPolicy.MAY,
                shared.stamp(control));
        ActorRef<Connection.Command> connection = context.spawn(Connection.create(context.getSelf(),
                inFallbackOrder(found), setup.site().port(), batch, settings, setup.downed(), shared.bodies()),
                "smtp-" + ++connectionSeq);
        context.watchWith(connection, new Gone(connection));
        connections.put(connection, new Link(now()));
        running.put(connection, batch);
    }

    /** With mx-fallback, the addresses that said 421 lately go last. */
    private List<InetAddress> inFallbackOrder(List<InetAddress> found) {
        if (!budget.mxFallback() || refused.isEmpty()) return found;
        long now = now();
        refused.values().removeIf(at -> now - at >= REFUSED_FOR.toMillis());
        List<InetAddress> ordered = new ArrayList<>(found.size());
        for (InetAddress ip : found) if (!refused.containsKey(ip)) ordered.add(ip);
        for (InetAddress ip : found) if (refused.containsKey(ip)) ordered.add(ip);
        return ordered;
    }

    private Behavior<Command> onDone(Done d) {
        Batch batch = running.remove(d.connection());
        Link link = connections.get(d.connection());
        if (batch != null) report(batch, d.peer(), d.result(), link != null && link.runs == 1);
        if (link != null && link.state == State.BUSY) link.state = State.SETTLING;
        return pump();
    }

    private Behavior<Command> onReady(Ready r) {
        ActorRef<Connection.Command> c = r.connection();
        Link link = connections.get(c);
        if (link == null || link.state == State.CLOSING) return Behaviors.same();
        long now = now();
        if (owed > 0 || draining) {
            if (owed > 0) owed--;
            quit(c);
        } else if (held || !budget.reusable(link.opened, link.runs, now)) {
            quit(c);
        } else if (!queue.isEmpty() && budget.takeMessage(now)) {
            run(c, handOut());
        } else if (pressure) {
            quit(c);
        } else {
            link.state = State.IDLE;
            timers.startSingleTimer(c, new Linger(c), shared.reuseWindow().get());
        }
        return pump();
    }

    private Behavior<Command> onLinger(Linger l) {
        Link link = connections.get(l.connection());
        if (link != null && link.state == State.IDLE) quit(l.connection());
        return Behaviors.same();
    }

    private Behavior<Command> onUnreachable(Unreachable u) {
        Outcome outcome = new Outcome.Deferral(u.report());
        Batch batch = running.remove(u.connection());
        Link link = connections.get(u.connection());
        if (link != null) link.state = State.CLOSING;
        if (batch != null) batch.settle(shared.deliveries(), outcome);
        boolean up = false;
        for (Link l : connections.values()) up |= l.state != State.CLOSING;
        if (!up) {
            while (!queue.isEmpty()) dequeue().settle(shared.deliveries(), outcome);
        }
        return pump();
    }

    private Behavior<Command> onClosed(Closed c) {
        Batch batch = running.remove(c.connection());
        Link link = connections.get(c.connection());
        if (link != null) link.state = State.CLOSING;
        if (batch != null) {
            MessageLog.info("remote " + c.peer().getHostAddress() + " closed the connection after " + c.runs()
                    + " messages; sending msg " + batch.messageId() + " again on another");
            admit(batch, true);
        }
        return pump();
    }

    private Behavior<Command> onGone(Gone g) {
        connections.remove(g.connection());
        timers.cancel(g.connection());
        Batch batch = running.remove(g.connection());
        if (batch != null) batch.settle(shared.deliveries(), new Outcome.Deferral(LOST));
        release();
        return pump();
    }

    private Behavior<Command> onReclaim() {
        for (var e : connections.entrySet()) {
            if (e.getValue().state == State.IDLE) {
                quit(e.getKey());
                return Behaviors.same();
            }
        }
        owed++;
        return Behaviors.same();
    }

    private Behavior<Command> onPressure(Pressure p) {
        pressure = p.others();
        if (pressure) quitIdle();
        return Behaviors.same();
    }

    private void quitIdle() {
        for (var c : List.copyOf(connections.keySet())) {
            if (connections.get(c).state == State.IDLE) quit(c);
        }
    }

    /**
     * Puts waiting batches on idle connections as far as the budget allows, asks for permits for the rest (or
     * waits for the tokens they need), or asks to be stopped.
     */
    private Behavior<Command> pump() {
        if (draining) {
            // What is queued stays unanswered: its Messages are recovered after the restart and try again at once.
            if (!drained && running.isEmpty() && opening == 0 && !resolving) {
                drained = true;
                spawn.tell(new RemoteSpawn.Drained(setup.key()));
            }
            return Behaviors.same();
        }
        long now = now();
        int available = 0;
        for (var c : List.copyOf(connections.keySet())) {
            Link link = connections.get(c);
            if (link.state != State.IDLE && link.state != State.SETTLING) continue;
            if (!budget.reusable(link.opened, link.runs, now)) {
                if (link.state == State.IDLE) quit(c);
                continue;
            }
            if (link.state == State.IDLE && !queue.isEmpty() && !held) {
                if (budget.takeMessage(now)) {
                    run(c, handOut());
                    continue;
                }
                wake(budget.messageWait(now));
            }
            available++;
        }
        int cap = budget.connectionCap(shared.controls().current().control().concurrencyremote());
        int holding = connections.size() + opening + requested;
        int wanted = queue.size() - opening - requested - available;
        while (!held && wanted > 0 && holding < cap) {
            if (!budget.takeConnection(now)) {
                wake(budget.connectionWait(now));
                break;
            }
            spawn.tell(new RemoteSpawn.Acquire(setup.key()));
            requested++;
            holding++;
            wanted--;
        }
        if (queue.isEmpty() && connections.isEmpty() && opening == 0 && requested == 0 && !resolving
                && !passivating) {
            long untilFull = budget.millisUntilFull(now);
            if (untilFull > 0) {
                wake(untilFull); // the tokens it spent stay spent until then
            } else {
                passivating = true;
                spawn.tell(new RemoteSpawn.Passivate(setup.key(), received));
            }
        }
        setup.stats().state(connections.size(), ready);
        return Behaviors.same();
    }

    private void wake(long millis) {
        timers.startSingleTimer(Tick.INSTANCE, Tick.INSTANCE, Duration.ofMillis(Math.max(1, millis)));
    }

    private void run(ActorRef<Connection.Command> c, Batch waiting) {
        Batch batch = waiting.start(shared.deliveries());
        timers.cancel(c);
        Link link = connections.get(c);
        link.state = State.BUSY;
        link.runs++;
        running.put(c, batch);
        c.tell(new Connection.Run(batch));
    }

    private void quit(ActorRef<Connection.Command> c) {
        timers.cancel(c);
        connections.get(c).state = State.CLOSING;
        c.tell(Connection.Quit.INSTANCE);
    }

    private void release() {
        spawn.tell(new RemoteSpawn.Release(setup.key()));
    }

    /**
     * Each recipient's result, after control/responses: a bounce rule makes a deferral a failure; the recipients
     * whose reply matched a suspend or throttle rule are answered by the spawn, which counts the match and may hold
     * the site first. Recipients refused for "too many recipients" in an accepted transaction go again, first, at
     * once. {@code first}: this was its connection's first transaction (mx-fallback's case).
     */
    private void report(Batch batch, InetAddress peer, TransactionResult result, boolean first) {
        Responses responses = shared.controls().current().control().responses();
        List<Outcome> outcomes = new ArrayList<>();
        List<Integer> matched = new ArrayList<>();
        List<RemoteSpawn.Match> matches = new ArrayList<>();
        for (int i = 0; i < batch.targets().size(); i++) {
            Report report = result.reports().get(i);
            Outcome outcome = outcome(report);
            List<String> lines = report.kind() == Report.Kind.SUCCESS ? List.of() : ReplyLines.of(report.text());
            boolean counted = false;
            for (Responses.Rule rule : responses.rules()) {
                var line = ReplyLines.match(rule, lines);
                if (line.isEmpty()) continue;
                if (rule.action() == Responses.Action.BOUNCE) {
                    if (outcome instanceof Outcome.Deferral) outcome = new Outcome.Failure(report.text() + "\n" + BOUNCED);
                } else {
                    matches.add(new RemoteSpawn.Match(rule, line.get(), batch.targets().get(i).domain()));
                    counted = true;
                }
            }
            outcomes.add(outcome);
            if (counted) matched.add(i);
        }
        List<String> said = ReplyLines.of(result.reports().get(0).text());
        setup.stats().finished(now(), said.isEmpty() ? result.reports().get(0).text().lines().findFirst().orElse("")
                : said.get(0));
        if (matches.isEmpty() && first && fallback(batch, peer, result, said)) return;
        List<Outcome> pending = new ArrayList<>();
        for (int i = 0; i < batch.targets().size(); i++) {
            if (matched.contains(i)) pending.add(outcomes.get(i));
            else if (!result.tooMany().contains(i)) batch.answer(i, outcomes.get(i));
        }
        if (!matched.isEmpty()) spawn.tell(new RemoteSpawn.Matched(setup.key(), matches, batch.subset(matched), pending));
        if (!result.tooMany().isEmpty()) admit(batch.subset(result.tooMany()), true);
    }

    /** mx-fallback: a 421 before the first transaction of a connection was done sends the batch to the next MX. */
    private boolean fallback(Batch batch, InetAddress peer, TransactionResult result, List<String> said) {
        if (!budget.mxFallback() || peer == null || said.isEmpty() || !said.get(0).startsWith("421")) return false;
        for (Report r : result.reports()) {
            if (r.kind() != Report.Kind.DEFERRAL) return false;
        }
        refused.put(peer, now());
        if (refused.size() >= addresses) return false;
        MessageLog.info("remote " + peer.getHostAddress() + " said " + said.get(0) + "; trying the next MX");
        admit(batch, true);
        return true;
    }

    private static Outcome outcome(Report report) {
        return switch (report.kind()) {
            case SUCCESS -> new Outcome.Success(report.text());
            case DEFERRAL -> new Outcome.Deferral(report.text());
            case FAILURE -> new Outcome.Failure(report.text());
        };
    }
}
