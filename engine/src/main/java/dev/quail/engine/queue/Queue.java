package dev.quail.engine.queue;

import dev.quail.persistence.body.Body;

import dev.quail.engine.delivery.Injector;
import dev.quail.engine.log.MessageLog;

import dev.quail.config.Routed;
import dev.quail.engine.Controls;
import dev.quail.engine.local.LocalSpawn;
import dev.quail.engine.remote.RemoteSpawn;
import dev.quail.persistence.events.Channel;
import dev.quail.persistence.events.MessageEvent;
import dev.quail.persistence.events.Recipient;
import dev.quail.protocols.smtp.QueueResult;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * qmail-queue + the scheduling half of qmail-send. Every front end submits here; the Queue rewrites the
 * recipients once (RW-06), starts a {@link Message} actor that journals the message, and answers the front end
 * only when the journal has it. It then keeps the schedule: which messages sleep until when (a small map: message
 * actors themselves are stopped while they wait), wakes them when due or on flush, and limits how many recovered
 * or woken messages are alive at once so a queue of millions does not live in memory.
 */
public final class Queue {

    public sealed interface Command {}

    /**
     * From a front end, through a {@link Submitter}: the body is already in the body store under the message's
     * persistence id. {@code fresh}: {@code id} was just drawn from {@link Ids}; otherwise (the maildrop's file
     * names) it may be a resubmission after a crash, which the Message recognises.
     */
    public record Submit(String id, boolean fresh, String sender, List<String> recipients, Body body, String origin,
                         ActorRef<QueueResult> replyTo) implements Command {}

    /** From a Message: its Accepted event is durable. */
    public record Accepted(String id) implements Command {}

    /** From a Message: it stops now and wants to be woken at {@code atMillis}. */
    public record Sleeping(String id, long atMillis) implements Command {}

    /** From a Message: every recipient is done. */
    public record Finished(String id) implements Command {}

    /** qmail's SIGALRM: every queued message is retried now. */
    public enum Flush implements Command { INSTANCE }

    /** Ids of unfinished messages found in the journal at start. */
    public record Recovered(List<String> ids) implements Command {}

    public record Stats(ActorRef<Snapshot> replyTo) implements Command {}

    /** quail queue hold|release ID. Answers false when there is no such message. */
    public record Hold(String id, boolean held, ActorRef<Boolean> replyTo) implements Command {}

    /** quail queue delete ID: the message leaves the queue undelivered, without a bounce. */
    public record Delete(String id, ActorRef<org.apache.pekko.Done> replyTo) implements Command {}

    /** quail tcpto / tcpok: the remote spawn's downed-host table (qmail-tcpto, qmail-tcpok). */
    public record Downed(RemoteSpawn.Command request) implements Command {}

    /** Graceful stop: the local spawn finishes what it started and starts nothing more. */
    public record Drain(ActorRef<LocalSpawn.Done> replyTo) implements Command {}

    public record Snapshot(int alive, int sleeping, int waiting) {}

    private record Stopped(String id) implements Command {}

    private enum Tick implements Command { INSTANCE }

    /** Recovered and woken messages alive at once, beyond which wake-ups wait their turn. */
    static final int MAX_WOKEN = 2000;

    private final ActorContext<Command> context;
    private final Controls controls;
    private final Message.Wiring wiring;
    private final Map<String, ActorRef<Message.Command>> alive = new HashMap<>();
    private final Map<String, ActorRef<QueueResult>> awaitingAccept = new HashMap<>();
    private final Map<String, Long> sleeping = new HashMap<>();
    private final TreeMap<Long, List<String>> byDueTime = new TreeMap<>();
    private final ArrayDeque<String> toWake = new ArrayDeque<>();
    private final Map<String, Boolean> wakeAfterStop = new HashMap<>();
    private final Map<String, Boolean> checkDue = new HashMap<>();

    /** The spawns and the cleaner are the Queue's children (DESIGN.md's tree); it builds them from these. */
    public interface Children {
        Behavior<LocalSpawn.Command> localSpawn(Injector injector);

        Behavior<RemoteSpawn.Command> remoteSpawn();
    }

    public static Behavior<Command> create(Controls controls, Ids ids, Executor io, Children children) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ofSeconds(1));
            Injector injector = new QueueInjector(new Submitter(context.getSelf(), context.getSystem().scheduler(), ids));
            var local = context.spawn(children.localSpawn(injector), "lspawn");
            var remote = context.spawn(children.remoteSpawn(), "rspawn");
            var cleaner = context.spawn(Cleaner.create(), "clean");
            return new Queue(context, controls, new Message.Wiring(context.getSelf(), local, remote, cleaner, controls,
                    injector, io))
                    .receive();
        }));
    }

    private Queue(ActorContext<Command> context, Controls controls, Message.Wiring wiring) {
        this.context = context;
        this.controls = controls;
        this.wiring = wiring;
    }

    private Behavior<Command> receive() {
        return Behaviors.receive(Command.class)
                .onMessage(Submit.class, this::onSubmit)
                .onMessage(Accepted.class, this::onAccepted)
                .onMessage(Sleeping.class, this::onSleeping)
                .onMessage(Finished.class, this::onFinished)
                .onMessage(Stopped.class, this::onStopped)
                .onMessageEquals(Flush.INSTANCE, this::onFlush)
                .onMessage(Recovered.class, this::onRecovered)
                .onMessageEquals(Tick.INSTANCE, this::onTick)
                .onMessage(Stats.class, this::onStats)
                .onMessage(Hold.class, hold -> {
                    unschedule(hold.id());
                    toWake.remove(hold.id());
                    messageFor(hold.id()).tell(new Message.SetHold(hold.held(), hold.replyTo()));
                    return Behaviors.same();
                })
                .onMessage(Delete.class, this::onDelete)
                .onMessage(Downed.class, d -> {
                    wiring.remote().tell(d.request());
                    return Behaviors.same();
                })
                .onMessage(Drain.class, drain -> {
                    wiring.local().tell(new LocalSpawn.Drain(drain.replyTo()));
                    return Behaviors.same();
                })
                .build();
    }

    private Behavior<Command> onSubmit(Submit submit) {
        String id = submit.id();
        List<Recipient> recipients = route(submit.recipients());
        MessageEvent.Accepted accepted = new MessageEvent.Accepted(
                id, System.currentTimeMillis(), submit.sender(), recipients, submit.body(), submit.origin());
        awaitingAccept.put(id, submit.replyTo());
        toWake.remove(id);
        unschedule(id);
        messageFor(id, submit.fresh()).tell(new Message.Accept(accepted, context.getSelf()));
        return Behaviors.same();
    }

    private List<Recipient> route(List<String> addresses) {
        var rewriter = controls.current().rewriter();
        List<Recipient> out = new ArrayList<>(addresses.size());
        for (String address : addresses) {
            Routed routed = rewriter.route(address);
            out.add(new Recipient(routed.address(), routed.local() ? Channel.LOCAL : Channel.REMOTE));
        }
        return out;
    }

    private Behavior<Command> onAccepted(Accepted accepted) {
        ActorRef<QueueResult> replyTo = awaitingAccept.remove(accepted.id());
        if (replyTo != null) replyTo.tell(new QueueResult.Queued(accepted.id()));
        return Behaviors.same();
    }

    private Behavior<Command> onSleeping(Sleeping s) {
        schedule(s.id(), s.atMillis());
        return Behaviors.same();
    }

    private Behavior<Command> onFinished(Finished f) {
        unschedule(f.id());
        return Behaviors.same();
    }

    private Behavior<Command> onStopped(Stopped stopped) {
        String id = stopped.id();
        alive.remove(id);
        ActorRef<QueueResult> replyTo = awaitingAccept.remove(id);
        if (replyTo != null) {
            // The journal refused the write: the client must hear a temporary failure, never 250.
            replyTo.tell(new QueueResult.Temporary("4.3.0 qq write error or disk full (#4.3.0)"));
        }
        if (wakeAfterStop.remove(id) != null) toWake.addFirst(id);
        wakeSome();
        return Behaviors.same();
    }

    private Behavior<Command> onDelete(Delete delete) {
        String id = delete.id();
        unschedule(id);
        toWake.remove(id);
        ActorRef<Message.Command> alive = this.alive.get(id);
        if (alive != null) context.stop(alive);
        wiring.cleaner().tell(new Cleaner.Clean(Message.persistenceId(id), Long.MAX_VALUE));
        MessageLog.info("deleted msg " + id);
        delete.replyTo().tell(org.apache.pekko.Done.getInstance());
        return Behaviors.same();
    }

    private Behavior<Command> onFlush() {
        for (String id : new ArrayList<>(sleeping.keySet())) {
            unschedule(id);
            toWake.add(id);
        }
        for (ActorRef<Message.Command> message : alive.values()) message.tell(new Message.Wake(false));
        wakeSome();
        return Behaviors.same();
    }

    private Behavior<Command> onRecovered(Recovered recovered) {
        for (String id : recovered.ids()) {
            if (alive.containsKey(id) || sleeping.containsKey(id)) continue;
            checkDue.put(id, true);
            toWake.add(id);
        }
        wakeSome();
        return Behaviors.same();
    }

    private Behavior<Command> onTick() {
        long now = System.currentTimeMillis();
        while (!byDueTime.isEmpty() && byDueTime.firstKey() <= now) {
            for (String id : byDueTime.pollFirstEntry().getValue()) {
                sleeping.remove(id);
                toWake.add(id);
            }
        }
        wakeSome();
        return Behaviors.same();
    }

    private Behavior<Command> onStats(Stats stats) {
        stats.replyTo().tell(new Snapshot(alive.size(), sleeping.size(), toWake.size()));
        return Behaviors.same();
    }

    private void wakeSome() {
        while (!toWake.isEmpty() && alive.size() < MAX_WOKEN) {
            String id = toWake.poll();
            boolean check = checkDue.remove(id) != null;
            if (alive.containsKey(id)) {
                // Still stopping after it said it sleeps: wake the next incarnation once this one is gone.
                wakeAfterStop.put(id, true);
                continue;
            }
            messageFor(id).tell(new Message.Wake(check));
        }
    }

    private ActorRef<Message.Command> messageFor(String id) {
        return messageFor(id, false);
    }

    private ActorRef<Message.Command> messageFor(String id, boolean fresh) {
        ActorRef<Message.Command> ref = alive.get(id);
        if (ref != null) return ref;
        ref = context.spawnAnonymous(Message.create(id, wiring, fresh));
        context.watchWith(ref, new Stopped(id));
        alive.put(id, ref);
        return ref;
    }

    private void schedule(String id, long at) {
        unschedule(id);
        sleeping.put(id, at);
        byDueTime.computeIfAbsent(at, k -> new ArrayList<>(1)).add(id);
    }

    private void unschedule(String id) {
        Long at = sleeping.remove(id);
        if (at == null) return;
        List<String> ids = byDueTime.get(at);
        ids.remove(id);
        if (ids.isEmpty()) byDueTime.remove(at);
    }
}
