package dev.quail.engine.queue;

import dev.quail.engine.Controls;
import dev.quail.engine.delivery.Delivery;
import dev.quail.engine.delivery.DeliveryResult;
import dev.quail.engine.delivery.Injector;
import dev.quail.engine.delivery.MessageBody;
import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.local.LocalSpawn;
import dev.quail.engine.log.EventStream;
import dev.quail.engine.log.MessageLog;
import dev.quail.engine.metrics.Meters;
import dev.quail.engine.remote.RemoteJob;
import dev.quail.engine.remote.RemoteSpawn;
import dev.quail.persistence.body.BodyStore;
import dev.quail.persistence.events.Channel;
import dev.quail.persistence.events.MessageEvent;
import dev.quail.protocols.smtp.QueueResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.typed.javadsl.Recovery;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

/**
 * One queued message (qmail-send's view of one queue entry), as a persistent actor on the journal.
 *
 * <p>Alive only while its message has work that is due: it hands each pending recipient to its channel's spawn,
 * persists each result as it comes back (qmail's T→D mark, Q-30), and when a pass leaves recipients deferred it
 * persists the channel's next retry time (RETRY-01), tells the Queue when to wake it, and stops. When every
 * recipient is done it tells the Queue and asks the Cleaner to drop its journal entries (qmail-clean).
 * The states and what a crash leaves behind are in engine/INTERNALS.md.
 *
 * <p>Failure policy: none of its own. A journal write or recovery that fails stops it (Pekko's default for an event
 * sourced actor); its parent, the Queue, watches it and wakes it again after a backoff, when it recovers its events
 * and carries on. Results lost with it are deliveries made again: duplicates, never losses. Every delivery it hands
 * out has a deadline (timeoutresult): a spawn or a Host that never answers gets its recipients deferred, so a
 * message never waits forever; an answer that comes later is ignored, as is any answer for a recipient not out.
 */
public final class Message
        extends EventSourcedBehaviorWithEnforcedReplies<Message.Command, MessageEvent, MessageState> {

    public sealed interface Command permits Accept, Wake, Result, Progress, Checkpoint, BounceResult, SetHold, Rejuvenate,
            Deadline, Quiesce {}

    /**
     * Queue a new message; the Queue hears {@link Queue.Accepted} only once the event is on disk. {@code deliver}:
     * admission lets it deliver now; otherwise it sleeps once journaled, until the Queue wakes it.
     */
    public record Accept(MessageEvent.Accepted accepted, ActorRef<Queue.Command> replyTo, boolean deliver)
            implements Command {}

    /**
     * Start a delivery pass. {@code checkDue}: after a restart only channels whose retry time has come are tried;
     * the Queue's own wake-ups (retry time reached, flush) try every pending recipient.
     */
    public record Wake(boolean checkDue) implements Command {}

    /** quail queue hold|release: a held message is kept but not delivered. Answers whether the message exists. */
    public record SetHold(boolean held, ActorRef<Boolean> replyTo) implements Command {}

    /** quail queue rejuvenate: lifetime and schedule start again now. Answers whether the message exists. */
    public record Rejuvenate(ActorRef<Boolean> replyTo) implements Command {}

    /**
     * A graceful stop: answered once the results already received are journaled (a checkpoint asked for before
     * this arrives is written first: commands wait while a write is in flight).
     */
    public record Quiesce(ActorRef<Done> replyTo) implements Command {}

    /** Sent to itself after each checkpoint: decide whether to go on, sleep or finish. */
    enum Progress implements Command { INSTANCE }

    /**
     * Sent to itself after the first unsaved result: by the time it arrives, every result already in the
     * mailbox has joined the list, so a transaction's 1,000 recipients cost one journal write, not 1,000.
     */
    enum Checkpoint implements Command { INSTANCE }

    /** The Queue's answer to the bounce this message submitted. */
    record BounceResult(QueueResult result) implements Command {}

    /** A spawn's report, through the adapter that spawns reply to. */
    record Result(DeliveryResult result) implements Command {}

    /** A channel's pass has waited timeoutresult for its last answers. */
    record Deadline(Channel channel) implements Command {}

    /** qmail's SLEEP_SYSFAIL: how long to wait before trying to queue a bounce again (BNC-16). */
    static final Duration BOUNCE_RETRY = Duration.ofSeconds(123);

    /** The actors a message talks to, and where it reads its body for a bounce. */
    public record Wiring(
            ActorRef<Queue.Command> queue, ActorRef<LocalSpawn.Command> local, ActorRef<RemoteSpawn.Command> remote,
            ActorRef<Cleaner.Command> cleaner, Controls controls, Injector injector, Executor io,
            BodyStore bodies, Traces traces) {}

    /** One channel's pass in flight: which recipients are out, since when, and whether it is the last one. */
    private static final class Pass {
        final BitSet out = new BitSet();
        final long start;
        final boolean dying;
        int left;
        boolean deferred;
        /** The earliest due time among recipients postponed by a spawn (no attempt made); MAX_VALUE when none. */
        long postponedUntil = Long.MAX_VALUE;

        Pass(long start, boolean dying) {
            this.start = start;
            this.dying = dying;
        }
    }

    private final String id;
    private final boolean fresh;
    private final Wiring wiring;
    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final Map<Channel, Pass> passes = new EnumMap<>(Channel.class);
    /** Results received but not yet journaled; the message never stops or decides anything while any exist. */
    private final List<MessageEvent> unsaved = new ArrayList<>();
    private final ActorRef<DeliveryResult> results;
    private boolean bouncing;

    public static Behavior<Command> create(String id, Wiring wiring) {
        return create(id, wiring, false);
    }

    /** {@code fresh}: a new id the journal cannot know yet, so recovery (a journal read) is skipped. */
    public static Behavior<Command> create(String id, Wiring wiring, boolean fresh) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> new Message(id, wiring, context, timers,
                fresh)));
    }

    public static String persistenceId(String id) { return "msg-" + id; }

    private Message(String id, Wiring wiring, ActorContext<Command> context, TimerScheduler<Command> timers,
                    boolean fresh) {
        super(PersistenceId.ofUniqueId(persistenceId(id)));
        this.fresh = fresh;
        this.id = id;
        this.wiring = wiring;
        this.context = context;
        this.timers = timers;
        this.results = context.messageAdapter(DeliveryResult.class, Result::new);
    }

    @Override
    public MessageState emptyState() { return new MessageState(); }

    /** A message never snapshots: its recovery replays its few events and asks the snapshot store nothing. */
    @Override
    public Recovery recovery() {
        return fresh ? Recovery.disabled() : Recovery.withSnapshotSelectionCriteria(SnapshotSelectionCriteria.none());
    }

    @Override
    public CommandHandlerWithReply<Command, MessageEvent, MessageState> commandHandler() {
        return newCommandHandlerWithReplyBuilder().forAnyState()
                .onCommand(Accept.class, this::onAccept)
                .onCommand(Wake.class, this::onWake)
                .onCommand(Result.class, (state, r) -> onResult(state, r.result().recipient(), r.result().outcome()))
                .onCommand(Deadline.class, this::onDeadline)
                .onCommand(Progress.class, (state, p) -> onProgress(state))
                .onCommand(Checkpoint.class, (state, c) -> onCheckpoint())
                .onCommand(BounceResult.class, this::onBounceResult)
                .onCommand(SetHold.class, this::onSetHold)
                .onCommand(Rejuvenate.class, this::onRejuvenate)
                .onCommand(Quiesce.class, (state, q) -> unsaved.isEmpty()
                        ? Effect().reply(q.replyTo(), Done.getInstance())
                        : journal(List.copyOf(unsaved)).thenRun(s -> {
                            published(s, unsaved);
                            unsaved.clear();
                        })
                                .thenReply(q.replyTo(), s -> Done.getInstance()))
                .build();
    }

    @Override
    public EventHandler<MessageState, MessageEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent(MessageState::apply);
    }

    private ReplyEffect<MessageEvent, MessageState> onAccept(MessageState state, Accept accept) {
        if (!state.isEmpty()) {
            // A maildrop file resubmitted after a crash between journaling and removing it: already queued.
            return Effect().reply(accept.replyTo(), new Queue.Accepted(id));
        }
        var persisted = journal(List.of(accept.accepted()))
                .thenRun(s -> MessageLog.accepted(id, s.accepted().body().size(), s.accepted().sender(),
                        s.accepted().origin()))
                .thenRun(this::received);
        if (accept.deliver()) {
            return persisted.thenRun(s -> startPass(s, false)).thenReply(accept.replyTo(), s -> new Queue.Accepted(id));
        }
        // No room to deliver now: it must stop, or it would count as live for ever and hold the room it waits for.
        return persisted
                .thenRun(s -> wiring.queue().tell(new Queue.Sleeping(id, System.currentTimeMillis(), bytes(s))))
                .thenRun(s -> accept.replyTo().tell(new Queue.Accepted(id)))
                .thenStop()
                .thenNoReply();
    }

    private ReplyEffect<MessageEvent, MessageState> onWake(MessageState state, Wake wake) {
        if (state.isEmpty()) {
            // The message finished and was cleaned before this wake-up, or was deleted by an admin while a
            // delivery was in flight (then that delivery's result is all that is left: clean it too).
            wiring.queue().tell(new Queue.Finished(id));
            if (lastSequenceNumber(context) > 0) wiring.cleaner().tell(new Cleaner.Clean(persistenceId(id)));
            return Effect().stop().thenNoReply();
        }
        startPass(state, wake.checkDue());
        return Effect().noReply();
    }

    private ReplyEffect<MessageEvent, MessageState> onSetHold(MessageState state, SetHold hold) {
        if (state.isEmpty()) {
            wiring.queue().tell(new Queue.Finished(id));
            return Effect().stop().thenReply(hold.replyTo(), s -> false);
        }
        MessageLog.info((hold.held() ? "hold msg " : "release msg ") + id);
        return journal(List.of(new MessageEvent.Held(hold.held())))
                .thenRun(s -> startPass(s, false))
                .thenReply(hold.replyTo(), s -> true);
    }

    private ReplyEffect<MessageEvent, MessageState> onRejuvenate(MessageState state, Rejuvenate rejuvenate) {
        if (state.isEmpty()) {
            wiring.queue().tell(new Queue.Finished(id));
            return Effect().stop().thenReply(rejuvenate.replyTo(), s -> false);
        }
        MessageLog.info("rejuvenate msg " + id);
        return journal(List.of(new MessageEvent.Rejuvenated(System.currentTimeMillis())))
                .thenRun(s -> startPass(s, false))
                .thenReply(rejuvenate.replyTo(), s -> true);
    }

    private void startPass(MessageState state, boolean checkDue) {
        if (state.held()) {
            context.getSelf().tell(Progress.INSTANCE);
            return;
        }
        long now = System.currentTimeMillis();
        var control = wiring.controls().current().control();
        for (Channel channel : Channel.values()) {
            List<Integer> pending = state.pending(channel);
            if (passes.containsKey(channel) || pending.isEmpty()) continue;
            if (checkDue && state.nextTry(channel) > now) continue;
            Pass pass = new Pass(now, RetrySchedule.dying(state.accepted().birthMillis(), now,
                    control.queuelifetime()));
            for (int i : pending) pass.out.set(i);
            pass.left = pending.size();
            passes.put(channel, pass);
            timers.startSingleTimer(channel, new Deadline(channel),
                    Duration.ofSeconds(control.limits().timeoutresult()));
            if (channel == Channel.LOCAL) {
                for (int i : pending) dispatchLocal(state, i);
            } else {
                dispatchRemote(state, pending);
            }
        }
        if (passes.isEmpty()) context.getSelf().tell(Progress.INSTANCE);
    }

    private MessageBody body(MessageState state) {
        return new MessageBody(persistenceId(id), state.accepted().body());
    }

    private void dispatchLocal(MessageState state, int i) {
        MessageEvent.Accepted a = state.accepted();
        String address = state.recipient(i).address();
        wiring.local().tell(new LocalSpawn.Deliver(new Delivery(id, i, Verp.senderFor(a.sender(), address), address,
                body(state), results)));
    }

    private void dispatchRemote(MessageState state, List<Integer> pending) {
        MessageEvent.Accepted a = state.accepted();
        List<RemoteJob.Target> targets = new ArrayList<>(pending.size());
        for (int i : pending) {
            String address = state.recipient(i).address();
            targets.add(new RemoteJob.Target(i, Verp.senderFor(a.sender(), address), address));
        }
        wiring.remote().tell(new RemoteSpawn.Deliver(new RemoteJob(id, body(state), targets, results)));
    }

    private ReplyEffect<MessageEvent, MessageState> onResult(MessageState state, int i, Outcome outcome) {
        if (state.isEmpty() || i < 0 || i >= state.accepted().recipients().size()) return Effect().noReply();
        Channel channel = state.recipient(i).channel();
        Pass pass = passes.get(channel);
        if (pass == null || !pass.out.get(i)) return Effect().noReply(); // late, after its deadline, or twice
        pass.out.clear(i);
        List<MessageEvent> events = new ArrayList<>(2);
        MessageEvent event = eventFor(i, outcome, pass.dying);
        // A postponement said again (a site still busy or held) changes only when the message is due, which the
        // pass's RetryScheduled records: its Deferred would repeat the recipient's report word for word. Not
        // journaling it keeps a list batch that a busy site puts off ten times at one event a member, not ten.
        boolean repeated = outcome instanceof Outcome.Postponed && event instanceof MessageEvent.Deferred
                && outcome.report().equals(state.report(i));
        if (!repeated) events.add(event);
        if (event instanceof MessageEvent.Deferred) {
            if (outcome instanceof Outcome.Postponed p) {
                pass.postponedUntil = Math.min(pass.postponedUntil, p.dueMillis());
            } else {
                pass.deferred = true;
            }
        }
        if (--pass.left == 0) {
            passes.remove(channel);
            timers.cancel(channel);
            // A pass whose deferrals were all postponements is due when the first of them is, not at the next retry:
            // a short suspension must not become hours of waiting.
            if (pass.deferred) {
                events.add(new MessageEvent.RetryScheduled(channel, RetrySchedule.jittered(
                        RetrySchedule.nextTry(channel, state.accepted().birthMillis(), pass.start), pass.start)));
            } else if (pass.postponedUntil != Long.MAX_VALUE) {
                events.add(new MessageEvent.RetryScheduled(channel, pass.postponedUntil));
            }
        }
        if (events.isEmpty()) return Effect().noReply();
        if (unsaved.isEmpty()) context.getSelf().tell(Checkpoint.INSTANCE);
        unsaved.addAll(events);
        return Effect().noReply();
    }

    /** No answer in time: whatever is still out is deferred, and a late answer will be ignored. */
    private ReplyEffect<MessageEvent, MessageState> onDeadline(MessageState state, Deadline deadline) {
        Pass pass = passes.get(deadline.channel());
        if (pass == null) return Effect().noReply();
        long seconds = wiring.controls().current().control().limits().timeoutresult();
        MessageLog.warning("msg " + id + ": no " + deadline.channel().name().toLowerCase() + " delivery result within "
                + seconds + " seconds; deferring " + pass.left + " recipients");
        Outcome timedOut = new Outcome.Deferral("No delivery result within " + seconds + " seconds. (#4.3.0)");
        for (int i = pass.out.nextSetBit(0); i >= 0; i = pass.out.nextSetBit(i + 1)) onResult(state, i, timedOut);
        return Effect().noReply();
    }

    private ReplyEffect<MessageEvent, MessageState> onCheckpoint() {
        List<MessageEvent> events = List.copyOf(unsaved);
        unsaved.clear();
        return journal(events)
                .thenRun(s -> published(s, events))
                .thenRun(s -> context.getSelf().tell(Progress.INSTANCE))
                .thenNoReply();
    }

    /** Every journal write goes through here, so that each open trace (see {@link Traces}) is handed every event. */
    private EffectBuilder<MessageEvent, MessageState> journal(List<MessageEvent> events) {
        return Effect().persist(events)
                .thenRun(s -> wiring.traces().journaled(id, lastSequenceNumber(context), events));
    }

    /** Journaled: /metrics counts it and log/events.jsonl gets its line. */
    private void received(MessageState s) {
        var a = s.accepted();
        Meters.accepted(a.origin());
        EventStream.offer("reception", EventStream.field("id", id), EventStream.field("sender", a.sender()),
                EventStream.field("recipients", a.recipients().size()), EventStream.field("bytes", a.body().size()),
                EventStream.field("origin", a.origin()));
    }

    /** Results journaled: counted for /metrics, one line each in log/events.jsonl. */
    private void published(MessageState s, List<MessageEvent> events) {
        Meters.journaled(s, events);
        for (MessageEvent e : events) {
            String kind = e instanceof MessageEvent.Delivered ? "delivery"
                    : e instanceof MessageEvent.Deferred ? "transient failure"
                    : e instanceof MessageEvent.Failed f ? (f.report().endsWith(RetrySchedule.TOO_LONG) ? "expiry"
                    : "bounce") : null;
            if (kind == null) continue;
            int i = e instanceof MessageEvent.Delivered d ? d.recipient()
                    : e instanceof MessageEvent.Deferred d ? d.recipient() : ((MessageEvent.Failed) e).recipient();
            String report = e instanceof MessageEvent.Delivered d ? d.report()
                    : e instanceof MessageEvent.Deferred d ? d.report() : ((MessageEvent.Failed) e).report();
            EventStream.offer(kind, EventStream.field("id", id),
                    EventStream.field("recipient", s.recipient(i).address()),
                    EventStream.field("channel", s.recipient(i).channel() == Channel.LOCAL ? "local" : "remote"),
                    EventStream.field("report", report));
        }
    }

    /** qmail turns the last pass's temporary failures into permanent ones (RETRY-03). */
    private static MessageEvent eventFor(int i, Outcome outcome, boolean dying) {
        if (outcome instanceof Outcome.Success) return new MessageEvent.Delivered(i, outcome.report());
        if (outcome instanceof Outcome.Failure) return new MessageEvent.Failed(i, outcome.report());
        if (dying) return new MessageEvent.Failed(i, outcome.report() + "\n" + RetrySchedule.TOO_LONG);
        return new MessageEvent.Deferred(i, outcome.report());
    }

    private ReplyEffect<MessageEvent, MessageState> onProgress(MessageState state) {
        if (bouncing || !unsaved.isEmpty() || !passes.isEmpty()) {
            return Effect().noReply();
        }
        if (state.finished()) {
            if (!state.over()) return bounce(state);
            MessageLog.end(id);
            wiring.traces().ended(id);
            wiring.queue().tell(new Queue.Finished(id));
            wiring.cleaner().tell(new Cleaner.Clean(persistenceId(id)));
            return Effect().stop().thenNoReply();
        }
        long next = Long.MAX_VALUE;
        for (Channel channel : Channel.values()) {
            if (!state.held() && !state.pending(channel).isEmpty()) next = Math.min(next, state.nextTry(channel));
        }
        return sleepUntil(state, next);
    }

    private ReplyEffect<MessageEvent, MessageState> sleepUntil(MessageState state, long atMillis) {
        wiring.queue().tell(new Queue.Sleeping(id, atMillis, bytes(state)));
        return Effect().stop().thenNoReply();
    }

    /** What this message holds while its actor is alive: its inline tail. */
    private static long bytes(MessageState state) {
        return Schedule.heldBytes(state.accepted().body());
    }

    /** BNC-10..16: queue one bounce for every failed recipient; the message ends only once it is queued. */
    private ReplyEffect<MessageEvent, MessageState> bounce(MessageState state) {
        Controls.Snapshot config = wiring.controls().current();
        List<Bounces.Failure> failures = new ArrayList<>();
        for (int i : state.failed()) failures.add(new Bounces.Failure(state.recipient(i).address(), state.report(i)));
        MessageEvent.Accepted a = state.accepted();
        if (Bounces.isTriple(a.sender())) {
            MessageLog.info("triple bounce: discarding bounce/" + id);
            return journal(List.of(new MessageEvent.BounceQueued("")))
                    .thenRun(s -> context.getSelf().tell(Progress.INSTANCE)).thenNoReply();
        }
        bouncing = true;
        MessageBody original = body(state);
        // Reading the original and queueing the bounce block: off the actor's thread.
        context.pipeToSelf(CompletableFuture.supplyAsync(() -> Bounces.inject(wiring.injector(), config, a.sender(),
                        failures, original, wiring.bodies(), Instant.now()), wiring.io()),
                (result, failure) -> new BounceResult(result != null ? result
                        : new QueueResult.Temporary(String.valueOf(failure))));
        return Effect().noReply();
    }

    private ReplyEffect<MessageEvent, MessageState> onBounceResult(MessageState state, BounceResult result) {
        bouncing = false;
        if (result.result() instanceof QueueResult.Queued queued) {
            MessageLog.info("bounce msg " + id + " qp " + queued.id());
            return journal(List.of(new MessageEvent.BounceQueued(queued.id())))
                    .thenRun(s -> context.getSelf().tell(Progress.INSTANCE)).thenNoReply();
        }
        MessageLog.warning("trouble injecting bounce message, will try later");
        return sleepUntil(state, System.currentTimeMillis() + BOUNCE_RETRY.toMillis());
    }
}
