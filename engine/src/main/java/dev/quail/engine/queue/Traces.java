package dev.quail.engine.queue;

import dev.quail.persistence.events.MessageEvent;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The messages someone follows live (GET /api/v1/messages/ID/trace), and what each follower is handed: every event
 * a Message journals, as soon as it is journaled, and the message's end. The read journal alone cannot do this: a
 * finished message's events are deleted at once (qmail-clean), so a reader that polls it never sees the last ones.
 *
 * <p>A map, not a stream or an actor, on purpose: a Message calls it after every journal write, and when nobody
 * follows the message that is one lookup in an empty map, no allocation and no message sent. Thread-safe: Messages
 * call it from their own threads, followers come and go from the HTTP server's.
 */
public final class Traces {
    /** One open trace. Called on the Message's thread: must neither block nor throw. */
    public interface Follower {
        /**
         * A journaled event and its sequence number; false when the follower cannot take it (its buffer is full, or
         * its client has gone), and then it is ended rather than shown the rest with a gap (a client that reads too
         * slowly can open the trace again).
         */
        boolean offer(long seq, long millis, MessageEvent event);

        /** The message is finished or deleted: nothing more will come. */
        void end();
    }

    private final ConcurrentHashMap<String, Set<Follower>> open = new ConcurrentHashMap<>();

    /** Follows message {@code id} until {@link #close} or the message's end. */
    public void open(String id, Follower follower) {
        open.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(follower);
    }

    public void close(String id, Follower follower) {
        open.computeIfPresent(id, (k, followers) -> {
            followers.remove(follower);
            return followers.isEmpty() ? null : followers;
        });
    }

    /** {@code events} were journaled, the last of them as sequence number {@code lastSeq}. */
    void journaled(String id, long lastSeq, List<MessageEvent> events) {
        Set<Follower> followers = open.get(id);
        if (followers == null) return;
        long millis = System.currentTimeMillis();
        for (Follower f : followers) {
            long seq = lastSeq - events.size();
            for (MessageEvent e : events) {
                if (!f.offer(++seq, millis, e)) {
                    close(id, f);
                    f.end();
                    break;
                }
            }
        }
    }

    /** Message {@code id} is finished or deleted: each of its followers is told and forgotten. */
    void ended(String id) {
        Set<Follower> followers = open.remove(id);
        if (followers != null) followers.forEach(Follower::end);
    }
}
