/*
 * LiveIdCursor: walks the persistence ids that hold events, one at a time, so
 * that a queue of millions of messages can be listed without holding every id
 * in memory. Reads a consistent view (LevelDB iterators see one version of the
 * database); close it to release that view.
 */
package dev.quail.persistence.journal;

import java.io.Closeable;
import java.io.IOException;
import java.util.Optional;
import org.iq80.leveldb.DBIterator;

public final class LiveIdCursor implements Closeable {
    private final DBIterator iterator;

    LiveIdCursor(DBIterator iterator) {
        this.iterator = iterator;
        iterator.seek(new byte[] {JournalKeys.HIGHEST});
    }

    /** The next live persistence id, in byte order of its UTF-8 form; empty at the end. */
    public Optional<String> next() {
        if (!iterator.hasNext()) {
            return Optional.empty();
        }
        byte[] key = iterator.peekNext().getKey();
        if (!JournalKeys.isHighestKey(key)) {
            return Optional.empty();
        }
        iterator.next();
        return Optional.of(JournalKeys.pidOfTaggedKey(key));
    }

    @Override
    public void close() throws IOException {
        iterator.close();
    }
}
