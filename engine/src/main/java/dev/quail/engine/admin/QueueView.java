package dev.quail.engine.admin;

import dev.quail.engine.queue.Message;
import dev.quail.engine.queue.MessageState;
import dev.quail.persistence.events.MessageEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentPersistenceIdsQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The queue as qmail-qread sees it: every unfinished message, read from the journal through Pekko's read-journal
 * queries rather than from the message actors (most of which are asleep), so looking at a large queue wakes
 * nothing. qstat counts persistence ids only; qread reads each message's events, which hold its envelope and its
 * states, never more of its body than the inline tail of its Accepted event.
 */
public final class QueueView {
    static final Duration FOLLOW_INTERVAL = Duration.ofSeconds(1);
    /** Messages read at once by qread. */
    private static final int PARALLELISM = 4;

    private final CurrentPersistenceIdsQuery ids;
    private final CurrentEventsByPersistenceIdQuery events;
    private final ActorSystem<?> system;

    public QueueView(CurrentPersistenceIdsQuery ids, CurrentEventsByPersistenceIdQuery events, ActorSystem<?> system) {
        this.ids = ids;
        this.events = events;
        this.system = system;
    }

    public CompletionStage<Long> count() {
        return messageIds().runWith(Sink.fold(0L, (n, id) -> n + 1), system);
    }

    /** How many messages the queue holds and when the oldest of them was accepted. */
    public record Census(long messages, Optional<Long> oldestBirthMillis) {}

    /**
     * The queue's size and its oldest message's birth, reading one message only: ids come from a counter that only
     * grows, so the lowest id is the message accepted first (its lifetime may since have been restarted by
     * rejuvenate, which this ignores).
     */
    public CompletionStage<Census> census() {
        record Fold(long count, String lowest) {}
        return messageIds().runWith(Sink.fold(new Fold(0, null), (f, id) -> new Fold(f.count() + 1,
                f.lowest() == null || number(id) < number(f.lowest()) ? id : f.lowest())), system)
                .thenCompose(f -> f.lowest() == null
                        ? CompletableFuture.completedFuture(new Census(0, Optional.empty()))
                        : message(f.lowest()).thenApply(m -> new Census(f.count(),
                                m.map(state -> state.accepted().birthMillis()))));
    }

    /** An id's counter value: base 36 before the node's name, if any. */
    private static long number(String id) {
        int dot = id.indexOf('.');
        try {
            return Long.parseLong(dot < 0 ? id : id.substring(0, dot), 36);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // not one of ours: never the oldest
        }
    }

    public CompletionStage<List<MessageState>> messages() {
        return messageIds().mapAsync(PARALLELISM, this::read).filter(state -> !state.isEmpty())
                .runWith(Sink.seq(), system);
    }

    public CompletionStage<Optional<MessageState>> message(String id) {
        return read(id).thenApply(state -> state.isEmpty() ? Optional.empty() : Optional.of(state));
    }

    /** One journaled event of a message, with its sequence number and the time it was written. */
    public record Stamped(long seq, long millis, MessageEvent event) {}

    /** A message's state and every event that made it, oldest first: its life so far. */
    public record History(MessageState state, List<Stamped> events) {}

    public CompletionStage<Optional<History>> history(String id) {
        return events(id, 0).runWith(Sink.seq(), system).thenApply(events -> {
            MessageState state = new MessageState();
            for (Stamped e : events) state.apply(e.event());
            return state.isEmpty() ? Optional.empty() : Optional.of(new History(state, events));
        });
    }

    /**
     * A message's events from acceptance on, then each new one as it is journaled (the read journal offers
     * current queries only, so it is asked again every {@link #FOLLOW_INTERVAL}); ends once the message is gone
     * from the journal (finished and cleaned, or deleted).
     */
    public Source<Stamped, NotUsed> follow(String id) {
        AtomicLong next = new AtomicLong(1);
        return Source.tick(Duration.ZERO, FOLLOW_INTERVAL, NotUsed.getInstance())
                .mapMaterializedValue(cancellable -> NotUsed.getInstance())
                .flatMapConcat(tick -> newer(id, next.get()))
                .takeWhile(Optional::isPresent)
                .mapConcat(batch -> {
                    List<Stamped> events = batch.get();
                    if (!events.isEmpty()) next.set(events.get(events.size() - 1).seq() + 1);
                    return events;
                });
    }

    /** The events from {@code from} on; empty when there is no message (any more) at all. */
    private Source<Optional<List<Stamped>>, NotUsed> newer(String id, long from) {
        return events(id, from).fold(new ArrayList<Stamped>(), (list, e) -> {
            list.add(e);
            return list;
        }).flatMapConcat(batch -> !batch.isEmpty() ? Source.single(Optional.of(batch))
                : events(id, 0).take(1).fold(false, (any, e) -> true)
                        .map(any -> any ? Optional.of(List.<Stamped>of()) : Optional.empty()));
    }

    private Source<Stamped, NotUsed> events(String id, long from) {
        return events.currentEventsByPersistenceId(Message.persistenceId(id), from, Long.MAX_VALUE)
                .map(e -> new Stamped(e.sequenceNr(), e.timestamp(), (MessageEvent) e.event()));
    }

    private Source<String, NotUsed> messageIds() {
        String prefix = Message.persistenceId("");
        return ids.currentPersistenceIds().filter(pid -> pid.startsWith(prefix))
                .map(pid -> pid.substring(prefix.length()));
    }

    private CompletionStage<MessageState> read(String id) {
        return events.currentEventsByPersistenceId(Message.persistenceId(id), 0, Long.MAX_VALUE)
                .runWith(Sink.fold(new MessageState(), (state, envelope) ->
                        state.apply((MessageEvent) envelope.event())), system);
    }
}
