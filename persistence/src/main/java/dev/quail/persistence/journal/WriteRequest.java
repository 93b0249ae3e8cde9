/*
 * WriteRequest: one request queued for the journal's writer thread: the key updates it makes, the pids whose keys
 * it changes, and the future its caller waits on. A request whose updates depend on what is stored for its pid (a
 * delete reads which keys exist; a snapshot save rewrites the pid's snapshot index) must not share a WriteBatch with
 * an earlier request for that pid, since the database does not show a batch's updates until it is written: the
 * writer flushes before such a request (JournalWriter).
 */
package dev.quail.persistence.journal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.WriteBatch;

sealed interface WriteRequest {
    CompletableFuture<Void> done();

    /** The bytes this request adds to a batch, for the batch's size limit. */
    default long bytes() {
        return 0;
    }

    /** Adds this request's key updates to {@code batch}; true if they must be on disk before done() completes. */
    boolean addTo(DB db, WriteBatch batch);

    /** The pids whose keys this request changes. */
    Stream<String> pids();

    /** Whether its updates depend on what is stored for its pids (see the header). */
    default boolean readsStored() {
        return false;
    }

    /** A request about one pid. */
    sealed interface OfOne extends WriteRequest {
        String pid();

        @Override
        default Stream<String> pids() {
            return Stream.of(pid());
        }
    }

    /** A request about one pid whose updates depend on what is stored for it. */
    sealed interface ReadingOne extends OfOne {
        @Override
        default boolean readsStored() {
            return true;
        }
    }

    record Write(List<JournalStore.Event> events, long bytes, CompletableFuture<Void> done) implements WriteRequest {
        @Override
        public boolean addTo(DB db, WriteBatch batch) {
            JournalKeys.putEvents(batch, events);
            return true;
        }

        @Override
        public Stream<String> pids() {
            return events.stream().map(JournalStore.Event::pid);
        }
    }

    record Delete(String pid, long toSeqNr, CompletableFuture<Void> done) implements ReadingOne {
        @Override
        public boolean addTo(DB db, WriteBatch batch) {
            JournalKeys.deleteUpTo(db, batch, pid, toSeqNr);
            return false;
        }
    }

    /** Synced like an event: see JournalStore's header on the durability of chunks. */
    record PutChunk(String pid, int index, byte[] chunk, CompletableFuture<Void> done) implements OfOne {
        @Override
        public long bytes() {
            return chunk.length;
        }

        @Override
        public boolean addTo(DB db, WriteBatch batch) {
            JournalKeys.putChunk(batch, pid, index, chunk);
            return true;
        }
    }

    record DeleteChunks(String pid, int count, CompletableFuture<Void> done) implements ReadingOne {
        @Override
        public boolean addTo(DB db, WriteBatch batch) {
            JournalKeys.deleteChunks(db, batch, pid, count);
            return false;
        }
    }

    /** Synced like an event: a snapshot is saved once it is on disk. */
    record SaveSnapshot(String pid, SnapshotIndex.Entry entry, byte[] snapshot, CompletableFuture<Void> done)
            implements ReadingOne {
        @Override
        public long bytes() {
            return snapshot.length;
        }

        @Override
        public boolean addTo(DB db, WriteBatch batch) {
            JournalKeys.putSnapshot(db, batch, pid, entry, snapshot);
            return true;
        }
    }

    record DeleteSnapshots(String pid, Predicate<SnapshotIndex.Entry> which, CompletableFuture<Void> done)
            implements ReadingOne {
        @Override
        public boolean addTo(DB db, WriteBatch batch) {
            JournalKeys.deleteSnapshots(db, batch, pid, which);
            return false;
        }
    }

    /** The writer's own synced write of a key that is never stored, to learn whether writes succeed again. */
    record Probe(CompletableFuture<Void> done) implements WriteRequest {
        @Override
        public boolean addTo(DB db, WriteBatch batch) {
            batch.delete(JournalKeys.PROBE);
            return true;
        }

        @Override
        public Stream<String> pids() {
            return Stream.empty();
        }
    }

    /** Close the database once everything queued before is written; nothing is written for it. */
    record Stop(CompletableFuture<Void> done) implements WriteRequest {
        @Override
        public boolean addTo(DB db, WriteBatch batch) {
            return false;
        }

        @Override
        public Stream<String> pids() {
            return Stream.empty();
        }
    }
}
