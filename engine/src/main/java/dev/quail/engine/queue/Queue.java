package dev.quail.engine.queue;

import dev.quail.config.Limits;
import dev.quail.config.Routed;
import dev.quail.engine.Controls;
import dev.quail.engine.delivery.Injector;
import dev.quail.engine.local.LocalSpawn;
import dev.quail.engine.log.MessageLog;
import dev.quail.engine.metrics.Meters;
import dev.quail.engine.remote.RemoteSpawn;
import dev.quail.persistence.body.Body;
import dev.quail.persistence.body.BodyStore;
import dev.quail.persistence.events.Channel;
import dev.quail.persistence.events.MessageEvent;
import dev.quail.persistence.events.Recipient;
import dev.quail.protocols.address.AddressParser;
import dev.quail.protocols.smtp.QueueResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * qmail-queue + the scheduling half of qmail-send. Every front end submits here; the Queue rewrites the
 * recipients once (RW-06), starts a {@link Message} actor that journals the message, and answers the front end
 * only when the journal has it. It then keeps the {@link Schedule}: which messages sleep until when (their actors
 * are stopped meanwhile), wakes them when due or on flush, and admits at most {@code maxlive} messages holding at
 * most {@code livebytes} alive at once, so a queue of millions does not live in memory. What the schedule knows
 * about sleepers goes to the {@link ScheduleIndex} once a second, and a start reads it back instead of recovering
 * every message.
 *
 * <p>Failure policy of its children (see engine/INTERNALS.md, "The tree"): Message actors are watched, not
 * restarted: one that stops without saying it sleeps or finished (its journal write or recovery failed) keeps a
 * due time and is woken again after a doubling backoff; a submission whose Message stopped hears 451. The spawns and
 * the cleaner are restarted (a delivery lost with a spawn is answered by the Message's result deadline); the index
 * is restarted with backoff when its journal fails, and loses nothing but early wake-ups.
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

    /** From a Message: it stops now and wants to be woken at {@code atMillis}; it holds {@code bytes} when alive. */
    public record Sleeping(String id, long atMillis, long bytes) implements Command {}

    /** From a Message: every recipient is done. */
    public record Finished(String id) implements Command {}

    /** qmail's SIGALRM: every queued message is retried now. */
    public enum Flush implements Command { INSTANCE }

    public record Stats(ActorRef<Snapshot> replyTo) implements Command {}

    /** quail queue hold|release ID. Answers false when there is no such message. */
    public record Hold(String id, boolean held, ActorRef<Boolean> replyTo) implements Command {}

    /** quail queue rejuvenate ID. Answers false when there is no such message. */
    public record Rejuvenate(String id, ActorRef<Boolean> replyTo) implements Command {}

    /** quail queue delete ID: the message leaves the queue undelivered, without a bounce. */
    public record Delete(String id, ActorRef<Done> replyTo) implements Command {}

    /**
     * A request for the remote spawn: quail tcpto / tcpok (its downed-host tables, qmail-tcpto, qmail-tcpok), quail
     * suspend, resume and sites.
     */
    public record Downed(RemoteSpawn.Command request) implements Command {}

    /**
     * quail resume: these sleeping messages, held by a suspension that ended early, are due at the times given
     * (earlier than they were), each its own, so they come back spread out rather than all at once.
     */
    public record Advance(Map<String, Long> dueById, ActorRef<Done> replyTo) implements Command {}

    /**
     * Graceful stop: both spawns finish the deliveries they started and start nothing more, then every live message
     * journals the results it got; answered once all that is done. What was not started stays queued for the next
     * start.
     */
    public record Drain(ActorRef<Done> replyTo) implements Command {}

    /** From a cluster's nodes: a partition starts on its first message, and must run to wake its sleepers. */
    public enum Ensure implements Command { INSTANCE }

    /**
     * From cluster sharding, when this partition moves to another node or this node leaves: a graceful stop (as
     * {@link Drain}), then the Queue stops. The partition starts again on its new node from the journal.
     */
    public enum HandOff implements Command { INSTANCE }

    /** Told to whoever started the Queue when it cannot serve: the journal could not be scanned. */
    public record Failed(String reason) {}

    public record Snapshot(int alive, int sleeping, int waiting) {}

    private record Stopped(String id) implements Command {}

    private record IndexRead(ScheduleIndex.Contents contents) implements Command {}

    private record Recovered(List<String> ids) implements Command {}

    private record ScanEnded(Throwable failure) implements Command {}

    private enum SpawnDrained implements Command { INSTANCE }

    private enum MessageQuiet implements Command { INSTANCE }

    private enum Tick implements Command { INSTANCE }

    /** The spawns and the cleaner are the Queue's children (DESIGN.md's tree); it builds them from these. */
    public interface Children {
        Behavior<LocalSpawn.Command> localSpawn(Injector injector);

        Behavior<RemoteSpawn.Command> remoteSpawn();

        Behavior<Cleaner.Command> cleaner();
    }

    /** Where a start finds the messages the journal holds: the ids of every unfinished message. */
    public interface Journal {
        Source<String, NotUsed> messageIds();
    }

    /**
     * What the Queue and its messages work with. {@code newIds}: the ids of the messages the queue makes itself
     * (bounces, forwards), which it queues itself; {@code indexId}: the persistence id of its due-time index;
     * {@code name}: what its log lines call it ("queue", "queue partition 3").
     */
    public record Setup(Controls controls, Supplier<String> newIds, Executor io, BodyStore bodies, Journal journal,
                        Traces traces, String indexId, String name) {}

    static final Duration INDEX_READ_TIMEOUT = Duration.ofMinutes(5);
    /** Longer than any stop may last: the shutdown's own timeout (timeoutshutdown) ends it first. */
    static final Duration DRAIN_TIMEOUT = Duration.ofHours(1);
    static final QueueResult BAD_ENVELOPE =
            new QueueResult.Permanent("5.1.3 a control character in an envelope address (#5.1.3)");
    private static final String STOPPED_UNEXPECTEDLY = "4.3.0 qq write error or disk full (#4.3.0)";

    private final ActorContext<Command> context;
    private final Controls controls;
    private final Message.Wiring wiring;
    private final ActorRef<ScheduleIndex.Command> index;
    private final Map<String, ActorRef<Message.Command>> alive = new HashMap<>();
    private final Map<String, ActorRef<QueueResult>> awaitingAccept = new HashMap<>();
    private final List<ScheduleIndex.Asleep> indexAsleep = new ArrayList<>();
    private final List<String> indexGone = new ArrayList<>();
    private ActorRef<Done> drainedReplyTo;
    private int draining;
    private boolean stopWhenDrained;
    private final Schedule schedule = new Schedule(new Schedule.Index() {
        @Override
        public void asleep(String id, long due, long bytes) {
            indexAsleep.add(new ScheduleIndex.Asleep(id, due, bytes));
        }

        @Override
        public void gone(String id) {
            indexGone.add(id);
        }
    });

    public static Behavior<Command> create(Setup setup, ActorRef<Failed> parent, Children children) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ofSeconds(1));
            Injector injector = new QueueInjector(new Submitter(context.getSelf(), context.getSystem().scheduler(),
                    setup.newIds()), setup.bodies());
            var local = context.spawn(Behaviors.supervise(children.localSpawn(injector))
                    .onFailure(SupervisorStrategy.restart()), "lspawn");
            var remote = context.spawn(Behaviors.supervise(children.remoteSpawn())
                    .onFailure(SupervisorStrategy.restart()), "rspawn");
            var cleaner = context.spawn(Behaviors.supervise(children.cleaner())
                    .onFailure(SupervisorStrategy.restart()), "clean");
            var index = context.spawn(ScheduleIndex.create(setup.indexId()), "index");
            context.ask(ScheduleIndex.Contents.class, index, INDEX_READ_TIMEOUT, ScheduleIndex.Read::new,
                    (contents, failure) -> new IndexRead(contents != null ? contents
                            : new ScheduleIndex.Contents(List.of())));
            Queue queue = new Queue(context, setup.controls(), index, new Message.Wiring(context.getSelf(), local,
                    remote, cleaner, setup.controls(), injector, setup.io(), setup.bodies(), setup.traces()));
            return queue.starting(setup.journal(), setup.name(), parent);
        }));
    }

    private Queue(ActorContext<Command> context, Controls controls, ActorRef<ScheduleIndex.Command> index,
                  Message.Wiring wiring) {
        this.context = context;
        this.controls = controls;
        this.index = index;
        this.wiring = wiring;
    }

    /** Serving already (submissions cannot wait for a large index), and reading the index, then the journal. */
    private Behavior<Command> starting(Journal journal, String name, ActorRef<Failed> parent) {
        return common()
                .onMessage(IndexRead.class, read -> {
                    for (ScheduleIndex.Asleep a : read.contents().asleep()) schedule.restored(a.id(), a.due(), a.bytes());
                    MessageLog.info(name + " index: " + read.contents().asleep().size() + " messages asleep");
                    scan(journal);
                    return Behaviors.same();
                })
                .onMessage(Recovered.class, recovered -> {
                    for (String id : recovered.ids()) schedule.recovered(id);
                    wakeSome();
                    return Behaviors.same();
                })
                .onMessage(ScanEnded.class, ended -> {
                    if (ended.failure() != null) {
                        parent.tell(new Failed("unable to scan the journal: " + ended.failure().getMessage()));
                        return Behaviors.stopped();
                    }
                    int forgotten = schedule.pruneUnconfirmed();
                    MessageLog.info(name + " scan done: " + (schedule.live() + schedule.asleep() + schedule.waiting())
                            + " messages queued" + (forgotten > 0 ? ", " + forgotten + " stale index entries dropped"
                            : ""));
                    return common().build();
                })
                .build();
    }

    /** qmail-send's startup scan, of ids only: what the index did not know is recovered. */
    private void scan(Journal journal) {
        context.pipeToSelf(journal.messageIds()
                        .grouped(1000)
                        .runWith(Sink.foreach(ids -> context.getSelf().tell(new Recovered(List.copyOf(ids)))),
                                context.getSystem()),
                (done, failure) -> new ScanEnded(failure));
    }

    private org.apache.pekko.actor.typed.javadsl.BehaviorBuilder<Command> common() {
        return Behaviors.receive(Command.class)
                .onMessage(Submit.class, this::onSubmit)
                .onMessage(Accepted.class, this::onAccepted)
                .onMessage(Sleeping.class, s -> {
                    schedule.sleeping(s.id(), s.atMillis(), s.bytes());
                    return Behaviors.same();
                })
                .onMessage(Finished.class, f -> {
                    schedule.finished(f.id());
                    return Behaviors.same();
                })
                .onMessage(Stopped.class, this::onStopped)
                .onMessageEquals(Flush.INSTANCE, this::onFlush)
                .onMessageEquals(Tick.INSTANCE, this::onTick)
                .onMessage(Stats.class, stats -> {
                    stats.replyTo().tell(new Snapshot(schedule.live(), schedule.asleep(), schedule.waiting()));
                    return Behaviors.same();
                })
                .onMessage(Hold.class, hold -> {
                    schedule.unschedule(hold.id());
                    messageFor(hold.id(), false).tell(new Message.SetHold(hold.held(), hold.replyTo()));
                    return Behaviors.same();
                })
                .onMessage(Rejuvenate.class, r -> {
                    schedule.unschedule(r.id());
                    messageFor(r.id(), false).tell(new Message.Rejuvenate(r.replyTo()));
                    return Behaviors.same();
                })
                .onMessage(Delete.class, this::onDelete)
                .onMessage(Downed.class, d -> {
                    wiring.remote().tell(d.request());
                    return Behaviors.same();
                })
                .onMessage(Advance.class, a -> {
                    a.dueById().forEach(schedule::advance);
                    a.replyTo().tell(Done.getInstance());
                    return Behaviors.same();
                })
                .onMessage(Drain.class, this::onDrain)
                .onMessageEquals(HandOff.INSTANCE, () -> {
                    if (drainedReplyTo != null) return Behaviors.same();
                    stopWhenDrained = true;
                    return onDrain(new Drain(context.getSystem().ignoreRef()));
                })
                .onMessageEquals(Ensure.INSTANCE, Behaviors::same)
                .onMessageEquals(SpawnDrained.INSTANCE, this::onSpawnDrained)
                .onMessageEquals(MessageQuiet.INSTANCE, () -> --draining == 0 ? answerDrain() : Behaviors.same());
    }

    private Behavior<Command> onSubmit(Submit submit) {
        if (AddressParser.hasControl(submit.sender()) || submit.recipients().stream().anyMatch(AddressParser::hasControl)) {
            // Every front end refuses these already; this is the last line before an address reaches a later SMTP
            // session, a header or a log: CR/LF there would be command injection into the next hop.
            MessageLog.warning("refused a message from " + submit.origin() + ": a control character in its envelope");
            submit.replyTo().tell(BAD_ENVELOPE);
            return Behaviors.same();
        }
        String id = submit.id();
        List<Recipient> recipients = route(submit.recipients());
        MessageEvent.Accepted accepted = new MessageEvent.Accepted(
                id, System.currentTimeMillis(), submit.sender(), recipients, submit.body(), submit.origin());
        awaitingAccept.put(id, submit.replyTo());
        ActorRef<Message.Command> message = messageFor(id, submit.fresh());
        Limits limits = controls.current().control().limits();
        boolean deliver = schedule.submitted(id, Schedule.heldBytes(submit.body()), limits.maxlive(),
                limits.livebytes());
        message.tell(new Message.Accept(accepted, context.getSelf(), deliver));
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

    private Behavior<Command> onStopped(Stopped stopped) {
        String id = stopped.id();
        alive.remove(id);
        ActorRef<QueueResult> replyTo = awaitingAccept.remove(id);
        if (replyTo != null) {
            // The journal refused the write: the client must hear a temporary failure, never 250.
            replyTo.tell(new QueueResult.Temporary(STOPPED_UNEXPECTEDLY));
            schedule.finished(id);
        }
        schedule.stopped(id, System.currentTimeMillis());
        wakeSome();
        return Behaviors.same();
    }

    private Behavior<Command> onDelete(Delete delete) {
        String id = delete.id();
        ActorRef<Message.Command> message = alive.get(id);
        if (message != null) {
            schedule.finished(id);
            context.stop(message);
        } else {
            schedule.unschedule(id);
        }
        wiring.cleaner().tell(new Cleaner.Clean(Message.persistenceId(id)));
        wiring.traces().ended(id);
        MessageLog.info("deleted msg " + id);
        delete.replyTo().tell(Done.getInstance());
        return Behaviors.same();
    }

    private Behavior<Command> onFlush() {
        schedule.flush();
        for (ActorRef<Message.Command> message : alive.values()) message.tell(new Message.Wake(false));
        wakeSome();
        return Behaviors.same();
    }

    private Behavior<Command> onTick() {
        schedule.due(System.currentTimeMillis());
        wakeSome();
        writeIndex();
        Meters.queue(schedule.live(), schedule.asleep(), schedule.waiting());
        return Behaviors.same();
    }

    private Behavior<Command> onDrain(Drain drain) {
        drainedReplyTo = drain.replyTo();
        draining = 2;
        context.ask(LocalSpawn.Done.class, wiring.local(), DRAIN_TIMEOUT, LocalSpawn.Drain::new,
                (done, failure) -> SpawnDrained.INSTANCE);
        context.ask(Done.class, wiring.remote(), DRAIN_TIMEOUT, RemoteSpawn.Drain::new,
                (done, failure) -> SpawnDrained.INSTANCE);
        return Behaviors.same();
    }

    /** Both spawns are done: the results they gave are in the Messages' mailboxes; let each journal them. */
    private Behavior<Command> onSpawnDrained() {
        if (--draining > 0) return Behaviors.same();
        draining = alive.size();
        for (ActorRef<Message.Command> message : alive.values()) {
            context.ask(Done.class, message, DRAIN_TIMEOUT, Message.Quiesce::new, (done, failure) -> MessageQuiet.INSTANCE);
        }
        return draining == 0 ? answerDrain() : Behaviors.same();
    }

    private Behavior<Command> answerDrain() {
        drainedReplyTo.tell(Done.getInstance());
        return stopWhenDrained ? Behaviors.stopped() : Behaviors.same();
    }

    private void wakeSome() {
        if (drainedReplyTo != null) return; // stopping: nothing new starts
        Limits limits = controls.current().control().limits();
        for (Schedule.Wake wake : schedule.admit(limits.maxlive(), limits.livebytes())) {
            messageFor(wake.id(), false).tell(new Message.Wake(wake.checkDue()));
        }
    }

    /** What changed since the last tick, in updates the journal takes comfortably. */
    private void writeIndex() {
        int max = ScheduleIndex.MAX_CHANGES;
        for (int from = 0; from < indexAsleep.size(); from += max) {
            index.tell(new ScheduleIndex.Update(List.copyOf(indexAsleep.subList(from, Math.min(from + max,
                    indexAsleep.size()))), List.of()));
        }
        for (int from = 0; from < indexGone.size(); from += max) {
            index.tell(new ScheduleIndex.Update(List.of(),
                    List.copyOf(indexGone.subList(from, Math.min(from + max, indexGone.size())))));
        }
        indexAsleep.clear();
        indexGone.clear();
    }

    /** The message's actor, spawned when it has none; {@code fresh}: the journal cannot know the id yet. */
    private ActorRef<Message.Command> messageFor(String id, boolean fresh) {
        ActorRef<Message.Command> ref = alive.get(id);
        if (ref != null) return ref;
        ref = context.spawnAnonymous(Message.create(id, wiring, fresh));
        context.watchWith(ref, new Stopped(id));
        alive.put(id, ref);
        schedule.spawned(id);
        return ref;
    }
}
