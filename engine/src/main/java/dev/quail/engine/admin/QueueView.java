package dev.quail.engine.admin;

import dev.quail.engine.queue.Message;
import dev.quail.engine.queue.MessageState;
import dev.quail.persistence.events.MessageEvent;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
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

    public CompletionStage<List<MessageState>> messages() {
        return messageIds().mapAsync(PARALLELISM, this::read).filter(state -> !state.isEmpty())
                .runWith(Sink.seq(), system);
    }

    public CompletionStage<Optional<MessageState>> message(String id) {
        return read(id).thenApply(state -> state.isEmpty() ? Optional.empty() : Optional.of(state));
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
