package dev.quail.engine.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The persisted due-time index of DESIGN.md: which messages sleep until when, so that a start (or a restarted
 * Queue) reads one small record per waiting message instead of recovering every message. It is a hint, never the
 * truth: each message's own events hold its retry times, so an index entry that is missing or stale only makes a
 * message wake early, recover, and go back to sleep. That is why it may lag, and why the Queue sends it changes in
 * batches (one {@link Update} per second at most) rather than one journal write per message.
 *
 * <p>Only sleeping messages are indexed: a message delivered in its first pass never costs the index a write.
 * The state is a map of id → due time and size. The Queue cuts its changes into updates of at most
 * {@link #MAX_CHANGES}; every {@link #SNAPSHOT_EVERY} updates the map is snapshotted (a copy taken on the actor's
 * thread, so the snapshot store never sees it change) and older snapshots and updates are deleted, so recovery
 * reads one snapshot and at most a few hundred updates.
 */
public final class ScheduleIndex extends EventSourcedBehavior<ScheduleIndex.Command, ScheduleIndex.Updated,
        ScheduleIndex.State> {

    public sealed interface Command {}

    /** Messages that went to sleep (id, due time, size) and messages that left the queue, since the last update. */
    public record Update(List<Asleep> asleep, List<String> gone) implements Command {}

    /** What the index holds, for a Queue that starts. */
    public record Read(ActorRef<Contents> replyTo) implements Command {}

    public record Asleep(String id, long due, long bytes) {}

    /** A copy: the index goes on changing after it answered. */
    public record Contents(List<Asleep> asleep) {}

    /** The one event: a batch of changes. */
    public record Updated(List<Asleep> asleep, List<String> gone) implements IndexRecord {}

    /** The snapshot: every entry. */
    public record Snapshot(List<Asleep> asleep) implements IndexRecord {}

    /** What the index journals, for its serializer. */
    public sealed interface IndexRecord permits Updated, Snapshot {}

    /** The single node's index; a cluster has one per queue partition ({@link #persistenceId(int)}). */
    public static final String PERSISTENCE_ID = "queue-index";
    public static final int MAX_CHANGES = 10_000;
    static final int SNAPSHOT_EVERY = 100;

    /** id → due time and size. Mutable: a million entries are not copied per update. */
    public static final class State {
        final Map<String, Asleep> entries;

        State(Map<String, Asleep> entries) {
            this.entries = entries;
        }

        State apply(Updated u) {
            for (Asleep a : u.asleep()) entries.put(a.id(), a);
            for (String id : u.gone()) entries.remove(id);
            return this;
        }
    }

    public static Behavior<Command> create(String persistenceId) {
        return new ScheduleIndex(persistenceId);
    }

    /** The index of queue partition {@code partition} in a cluster. */
    public static String persistenceId(int partition) {
        return PERSISTENCE_ID + "-" + partition;
    }

    private ScheduleIndex(String persistenceId) {
        // A failed write or recovery restarts it with backoff; it recovers and carries on (a lost update is only
        // an early wake-up for the messages it named).
        super(PersistenceId.ofUniqueId(persistenceId),
                SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
    }

    @Override
    public State emptyState() {
        return new State(new HashMap<>());
    }

    @Override
    public CommandHandler<Command, Updated, State> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Update.class, (state, u) -> Effect().persist(new Updated(u.asleep(), u.gone())))
                .onCommand(Read.class, (state, r) -> Effect().reply(r.replyTo(),
                        new Contents(new ArrayList<>(state.entries.values()))))
                .build();
    }

    @Override
    public EventHandler<State, Updated> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onEvent(Updated.class, State::apply).build();
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, 2).withDeleteEventsOnSnapshot();
    }

    @Override
    public SnapshotAdapter<State> snapshotAdapter() {
        return new SnapshotAdapter<>() {
            @Override
            public Object toJournal(State state) {
                return new Snapshot(new ArrayList<>(state.entries.values()));
            }

            @Override
            public State fromJournal(Object from) {
                Map<String, Asleep> entries = new HashMap<>();
                for (Asleep a : ((Snapshot) from).asleep()) entries.put(a.id(), a);
                return new State(entries);
            }
        };
    }
}
