package dev.quail.engine.admin;

import dev.quail.engine.queue.Message;
import dev.quail.engine.queue.MessageState;
import dev.quail.engine.queue.Traces;
import dev.quail.persistence.events.MessageEvent;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentPersistenceIdsQuery;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The queue as qmail-qread sees it: every unfinished message, read from the journal through Pekko's read-journal
 * queries rather than from the message actors (most of which are asleep), so looking at a large queue wakes
 * nothing. qstat counts persistence ids only; qread reads each message's events, which hold its envelope and its
 * states, never more of its body than the inline tail of its Accepted event.
 */
public final class QueueView {
    /**
     * Events a trace holds for a client that has not read them yet; a checkpoint of a large message can journal many
     * at once. A follower that falls further behind is ended (it can open the trace again).
     */
    private static final int FOLLOW_BUFFER = 100_000;
    /** Messages read at once by qread. */
    private static final int PARALLELISM = 4;

    private final CurrentPersistenceIdsQuery ids;
    private final CurrentEventsByPersistenceIdQuery events;
    private final Traces traces;
    private final ActorSystem<?> system;

    public QueueView(CurrentPersistenceIdsQuery ids, CurrentEventsByPersistenceIdQuery events, Traces traces,
                     ActorSystem<?> system) {
        this.ids = ids;
        this.events = events;
        this.traces = traces;
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
        return events(id).runWith(Sink.seq(), system).thenApply(events -> {
            MessageState state = new MessageState();
            for (Stamped e : events) state.apply(e.event());
            return state.isEmpty() ? Optional.empty() : Optional.of(new History(state, events));
        });
    }

    /** A message's life so far, and its events from acceptance on, live, ending with the message. */
    public record Trace(History history, Source<Stamped, NotUsed> events) {}

    /**
     * The message's trace; empty when there is no such message. Its events are the journal's, read once, then those
     * its Message hands to {@link Traces} as it journals them, up to its end: the read journal offers current
     * queries only, and a finished message's events leave it at once, so polling it would miss the last ones.
     */
    public CompletionStage<Optional<Trace>> follow(String id) {
        Live live = new Live(Source.<Stamped>queue(FOLLOW_BUFFER).preMaterialize(system));
        // Opened before the read: an event journaled meanwhile is in the read or handed over (or both: the sequence
        // number tells), never in neither.
        traces.open(id, live);
        return history(id).whenComplete((h, failed) -> {
            if (h == null || h.isEmpty() || h.get().state().over()) {
                traces.close(id, live);
                live.end();
            }
        }).thenApply(h -> h.map(history -> {
            List<Stamped> read = history.events();
            long last = read.get(read.size() - 1).seq();
            Source<Stamped, NotUsed> later = live.events.filter(e -> e.seq() > last)
                    .watchTermination((nothing, done) -> {
                        done.whenComplete((d, f) -> traces.close(id, live));
                        return nothing;
                    });
            return new Trace(history, Source.from(read).concat(later));
        }));
    }

    /** An open trace: the events handed over, buffered until the HTTP response takes them. */
    private static final class Live implements Traces.Follower {
        private final BoundedSourceQueue<Stamped> queue;
        final Source<Stamped, NotUsed> events;
        private final AtomicBoolean ended = new AtomicBoolean();

        Live(Pair<BoundedSourceQueue<Stamped>, Source<Stamped, NotUsed>> queued) {
            this.queue = queued.first();
            this.events = queued.second();
        }

        @Override
        public boolean offer(long seq, long millis, MessageEvent event) {
            return queue.offer(new Stamped(seq, millis, event)) == QueueOfferResult.enqueued();
        }

        @Override
        public void end() {
            if (!ended.compareAndSet(false, true)) return;
            try {
                queue.complete();
            } catch (IllegalStateException gone) {
                // the stream ended first (the client went away): nothing left to end, and a Message must not fail
            }
        }
    }

    private Source<Stamped, NotUsed> events(String id) {
        return events.currentEventsByPersistenceId(Message.persistenceId(id), 0, Long.MAX_VALUE)
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
