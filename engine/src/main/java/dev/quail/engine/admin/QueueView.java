package dev.quail.engine.admin;

import dev.quail.engine.queue.Message;
import dev.quail.engine.queue.MessageState;
import dev.quail.persistence.events.MessageEvent;
import dev.quail.persistence.journal.JournalStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.serialization.Serialization;

/**
 * The queue as qmail-qread sees it: every unfinished message, read from the journal itself rather than from the
 * message actors (most of which are asleep), so looking at a large queue wakes nothing.
 */
public final class QueueView {
    private final JournalStore store;
    private final Serialization serialization;

    public QueueView(JournalStore store, Serialization serialization) {
        this.store = store;
        this.serialization = serialization;
    }

    public List<MessageState> messages() throws IOException {
        List<MessageState> out = new ArrayList<>();
        String prefix = Message.persistenceId("");
        for (String pid : store.liveIds()) {
            if (!pid.startsWith(prefix)) continue;
            MessageState state = read(pid);
            if (!state.isEmpty()) out.add(state);
        }
        return out;
    }

    public Optional<MessageState> message(String id) throws IOException {
        MessageState state = read(Message.persistenceId(id));
        return state.isEmpty() ? Optional.empty() : Optional.of(state);
    }

    private MessageState read(String pid) throws IOException {
        MessageState state = new MessageState();
        store.replay(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE, bytes -> {
            PersistentRepr repr = serialization.deserialize(bytes, PersistentRepr.class).get();
            state.apply((MessageEvent) repr.payload());
        });
        return state;
    }
}
