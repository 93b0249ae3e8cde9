/*
 * WriteRequest: one request queued for the journal's writer thread: the key updates it makes, the pids whose keys
 * it puts and reads (so the writer knows when a batch must be split, see JournalWriter), and the future its caller
 * waits on.
 */
package dev.quail.persistence.journal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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

    /** The pids whose keys this request puts. */
    default Stream<String> puts() {
        return Stream.empty();
    }

    /** The pid whose stored keys this request reads to know what to delete. */
    default Optional<String> reads() {
        return Optional.empty();
    }

    record Write(List<JournalStore.Event> events, long bytes, CompletableFuture<Void> done) implements WriteRequest {
        @Override
        public boolean addTo(DB db, WriteBatch batch) {
            JournalKeys.putEvents(batch, events);
            return true;
        }

        @Override
        public Stream<String> puts() {
            return events.stream().map(JournalStore.Event::pid);
        }
    }

    record Delete(String pid, long toSeqNr, CompletableFuture<Void> done) implements WriteRequest {
        @Override
        public boolean addTo(DB db, WriteBatch batch) {
            JournalKeys.deleteUpTo(db, batch, pid, toSeqNr);
            return false;
        }

        @Override
        public Optional<String> reads() {
            return Optional.of(pid);
        }
    }

    /** Synced like an event: see JournalStore's header on the durability of chunks. */
    record PutChunk(String owner, int index, byte[] chunk, CompletableFuture<Void> done) implements WriteRequest {
        @Override
        public long bytes() {
            return chunk.length;
        }

        @Override
        public boolean addTo(DB db, WriteBatch batch) {
            JournalKeys.putChunk(batch, owner, index, chunk);
            return true;
        }

        @Override
        public Stream<String> puts() {
            return Stream.of(owner);
        }
    }

    record DeleteChunks(String owner, int count, CompletableFuture<Void> done) implements WriteRequest {
        @Override
        public boolean addTo(DB db, WriteBatch batch) {
            JournalKeys.deleteChunks(db, batch, owner, count);
            return false;
        }

        @Override
        public Optional<String> reads() {
            return Optional.of(owner);
        }
    }

    /** Close the database once everything queued before is written; nothing is written for it. */
    record Stop(CompletableFuture<Void> done) implements WriteRequest {
        @Override
        public boolean addTo(DB db, WriteBatch batch) {
            return false;
        }
    }
}
