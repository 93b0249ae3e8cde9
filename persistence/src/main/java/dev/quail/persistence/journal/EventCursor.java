/*
 * EventCursor: walks one persistence id's events in sequence order, one at a time, from a consistent view (a
 * LevelDB iterator sees one version of the database: what was written after it was opened stays out). Replay and
 * the read journal's currentEventsByPersistenceId both read through it; close it to release the view.
 */
package dev.quail.persistence.journal;

import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.iq80.leveldb.DBIterator;

final class EventCursor implements Closeable {
    private final DBIterator iterator;
    private final String pid;
    private final byte[] prefix;
    private final long to;

    /** The events of {@code pid} with from ≤ seqNr ≤ to. */
    EventCursor(DBIterator iterator, String pid, long from, long to) {
        this.iterator = iterator;
        this.pid = pid;
        this.prefix = JournalKeys.eventPrefix(pid);
        this.to = to;
        iterator.seek(JournalKeys.eventKey(prefix, Math.max(from, 0)));
    }

    /** The next event; empty at the end. */
    Optional<JournalStore.Event> next() {
        if (!iterator.hasNext()) {
            return Optional.empty();
        }
        Map.Entry<byte[], byte[]> entry = iterator.peekNext();
        long seqNr = JournalKeys.seqNrOf(prefix, entry.getKey());
        if (seqNr < 0 || seqNr > to) {
            return Optional.empty();
        }
        iterator.next();
        return Optional.of(new JournalStore.Event(pid, seqNr, entry.getValue()));
    }

    @Override
    public void close() throws IOException {
        iterator.close();
    }
}
