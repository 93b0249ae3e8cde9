/*
 * JournalStore: the event log under Quail's journal, the body store and the snapshots beside it, one LevelDB
 * database with group commit.
 *
 * Group commit: callers (the journal actor, on behalf of many Message actors; front ends storing body chunks)
 * only enqueue. One writer thread (JournalWriter) takes everything pending (at most 1,000 requests or 8 MiB of
 * event and chunk bytes; a single larger request goes alone), writes it as ONE WriteBatch
 * with one fsync, and only then completes the callers' futures. While one fsync runs the next batch fills, so
 * throughput grows with load instead of being capped at one fsync per write. Requests are taken in FIFO order,
 * so writes of one persistence id keep their order, chunks before the Accepted event that refers to them. If a
 * batch fails, every future in it fails (the client gets 451, never 250): nothing is acknowledged that was not
 * on disk. The writer then reopens the database and reports its health (health()); it also keeps 64 MiB of the
 * disk free and refuses data beyond that (see JournalWriter for why a full disk needs it).
 *
 * Deletion departs from Pekko's usual rule. A journal normally keeps the highest sequence number of a
 * persistence id forever so that the id never reuses a number. Quail never reuses a persistence id (one per
 * queued message), so keeping a record per finished message would grow the journal without end. deleteTo
 * therefore removes all keys of a pid once its last event is gone, its body's chunks and snapshots included; an
 * actor recovered afterwards under the same id would start again at 1. Deletes are written without fsync: a lost
 * delete only causes a re-delivery, never a loss.
 *
 * Bodies (BodyStore): chunks are stored under their message's pid. Chunks whose message never got an event (the
 * client went away, the process died before Accepted) are swept when the store opens, before anything else is
 * written: nothing can still be writing them then.
 *
 * Durability of chunks: BodyStore promises that a stored chunk is durable no later than the first synced write
 * completing after it. Unsynced chunk writes would keep that promise only if a later synced write made the log
 * the chunk went to durable, and across a log switch iq80 LevelDB 0.12 does not: when the memtable fills, the
 * writer closes the old log and carries on in a new one, where the next synced write forces only the new log.
 * The old log is forced in FileChannelLogWriter.close() with the IOException swallowed, and not at all by
 * MMapLogWriter.close() (it unmaps and truncates); its memtable's level-0 table is synced by a background
 * compaction that a later write does not wait for. So chunk batches are written with fsync, like events: a
 * chunk's future completes only once the chunk is on stable storage.
 *
 * Logs and tables go through FileChannels, not memory maps (LevelDb). iq80's memory-mapped log maps 1 MiB at a
 * time and unmaps a full map without forcing it, and a synced write forces only the current map: a record that
 * crosses a 1 MiB boundary (a batch of chunks does, often) would be acknowledged with its first part still in the
 * page cache. And a full disk under a memory map faults (SIGBUS) instead of failing the write with an IOException.
 *
 * Key layout: see JournalKeys. Persistence ids must be non-empty and free of NUL.
 */
package dev.quail.persistence.journal;

import dev.quail.persistence.body.Body;
import dev.quail.persistence.body.BodyStore;
import dev.quail.persistence.body.BodyWriter;
import dev.quail.persistence.body.ChunkStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.ReadOptions;
import org.iq80.leveldb.Snapshot;
import org.iq80.leveldb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public final class JournalStore implements BodyStore, ChunkStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JournalStore.class);

    /** One journal entry: the serialized event {@code bytes} at {@code seqNr} of {@code pid}. */
    public record Event(String pid, long seqNr, byte[] bytes) {
    }

    /**
     * Whether the store can write: {@code ok} false while writes fail (a full disk, a failed reopen); detail says
     * why; sinceMillis is when ok last changed.
     */
    public record Health(boolean ok, String detail, long sinceMillis) {
    }

    /** The disk space the writer keeps free for the writes that must not fail (see JournalWriter). */
    public static final long MIN_FREE_BYTES = 64L << 20;

    private final LinkedBlockingQueue<WriteRequest> queue = new LinkedBlockingQueue<>();
    private final JournalWriter writer;
    private final Object submitLock = new Object();
    private WriteRequest.Stop stop; // set once, by close(); guarded by submitLock

    private JournalStore(DB db, Path dir, boolean fsync, JournalWriter.Limits limits) throws IOException {
        this.writer = new JournalWriter(db, dir, fsync, limits, queue);
        Thread thread = new Thread(writer, JournalWriter.THREAD);
        thread.setDaemon(true);
        thread.start();
    }

    /** Opens (creating if missing) the database in {@code dir}; {@code fsync} makes every write durable. */
    public static JournalStore open(Path dir, boolean fsync) throws IOException {
        return open(dir, fsync, JournalWriter.Limits.DEFAULT);
    }

    static JournalStore open(Path dir, boolean fsync, JournalWriter.Limits limits) throws IOException {
        DB db = LevelDb.open(dir);
        try {
            sweepOrphanChunks(db);
            return new JournalStore(db, dir, fsync, limits);
        } catch (IOException | RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** Writes all {@code events} atomically; the future completes once they are on disk. */
    public CompletableFuture<Void> write(List<Event> events) {
        long bytes = 0;
        try {
            for (Event event : events) {
                JournalKeys.checkPid(event.pid());
                bytes += event.bytes().length;
            }
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (events.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return submit(new WriteRequest.Write(List.copyOf(events), bytes, new CompletableFuture<>()));
    }

    /** Removes the events of {@code pid} up to {@code toSeqNr}, and the pid itself once none is left. */
    public CompletableFuture<Void> deleteTo(String pid, long toSeqNr) {
        return submitFor(pid, () -> new WriteRequest.Delete(pid, toSeqNr, new CompletableFuture<>()));
    }

    /** The highest sequence number written for {@code pid}, 0 if it holds no event. */
    public long highestSeqNr(String pid) {
        JournalKeys.checkPid(pid);
        byte[] value = writer.db().get(JournalKeys.highestKey(pid));
        return value == null ? 0 : JournalKeys.decodeLong(value);
    }

    /** Feeds {@code each} the events of {@code pid} with from ≤ seqNr ≤ to, in order, at most {@code max}. */
    public void replay(String pid, long from, long to, long max, Consumer<byte[]> each) throws IOException {
        try (EventCursor cursor = eventCursor(pid, from, to)) {
            Optional<Event> event;
            for (long count = 0; count < max && (event = cursor.next()).isPresent(); count++) {
                each.accept(event.get().bytes());
            }
        }
    }

    /** The events of {@code pid} with from ≤ seqNr ≤ to, one at a time from a consistent view; close it. */
    EventCursor eventCursor(String pid, long from, long to) {
        JournalKeys.checkPid(pid);
        return new EventCursor(writer.db().iterator(), pid, from, to);
    }

    /** The persistence ids that still hold at least one event. */
    public List<String> liveIds() throws IOException {
        List<String> ids = new ArrayList<>();
        try (LiveIdCursor cursor = liveIdCursor()) {
            for (Optional<String> id = cursor.next(); id.isPresent(); id = cursor.next()) {
                ids.add(id.get());
            }
        }
        return ids;
    }

    /** Like liveIds(), one id at a time: for listing more ids than fit comfortably in memory. */
    public LiveIdCursor liveIdCursor() {
        return new LiveIdCursor(writer.db().iterator());
    }

    @Override
    public BodyWriter writer(String owner) {
        return new BodyWriter(this, owner);
    }

    @Override
    public InputStream open(String owner, Body body) {
        JournalKeys.checkPid(owner);
        return new BodyStream(index -> readChunk(owner, index), body.chunks(), body.tail());
    }

    /** Stores chunk {@code index} of {@code owner} durably (see the header), FIFO with events. */
    @Override
    public CompletableFuture<Void> putChunk(String owner, int index, byte[] chunk) {
        Objects.requireNonNull(chunk, "chunk");
        return submitFor(owner, () -> new WriteRequest.PutChunk(owner, index, chunk, new CompletableFuture<>()));
    }

    @Override
    public CompletableFuture<Void> deleteChunks(String owner, int count) {
        return submitFor(owner, () -> new WriteRequest.DeleteChunks(owner, count, new CompletableFuture<>()));
    }

    /** Stores a snapshot of {@code pid} durably, in place of any at the same sequence number. */
    CompletableFuture<Void> saveSnapshot(String pid, SnapshotIndex.Entry entry, byte[] snapshot) {
        return submitFor(pid, () -> new WriteRequest.SaveSnapshot(pid, entry, snapshot, new CompletableFuture<>()));
    }

    CompletableFuture<Void> deleteSnapshots(String pid, Predicate<SnapshotIndex.Entry> which) {
        return submitFor(pid, () -> new WriteRequest.DeleteSnapshots(pid, which, new CompletableFuture<>()));
    }

    /** The latest snapshot of {@code pid} that matches, read from one consistent view. */
    Optional<SnapshotIndex.Loaded> latestSnapshot(String pid, Predicate<SnapshotIndex.Entry> matching)
            throws IOException {
        JournalKeys.checkPid(pid);
        DB db = writer.db();
        try (Snapshot view = db.getSnapshot()) {
            ReadOptions options = new ReadOptions().snapshot(view);
            Optional<SnapshotIndex.Entry> latest = JournalKeys.snapshotIndex(db, pid, options).latest(matching);
            if (latest.isEmpty()) {
                return Optional.empty();
            }
            byte[] bytes = db.get(JournalKeys.snapshotKey(pid, latest.get().seqNr()), options);
            if (bytes == null) {
                throw new IOException("snapshot " + latest.get().seqNr() + " of " + pid + " is indexed but missing");
            }
            return Optional.of(new SnapshotIndex.Loaded(latest.get(), bytes));
        }
    }

    /** How many WriteBatches have been written so far: for metrics and group-commit tests. */
    public long batches() {
        return writer.batches();
    }

    /** Whether writes currently succeed; see Health. */
    public Health health() {
        return writer.health();
    }

    /** Writes everything already submitted, then closes the database; later requests fail. */
    @Override
    public void close() throws IOException {
        WriteRequest.Stop closing;
        synchronized (submitLock) {
            if (stop == null) {
                stop = new WriteRequest.Stop(new CompletableFuture<>());
                queue.add(stop);
            }
            closing = stop;
        }
        try {
            closing.done().join();
        } catch (CompletionException e) {
            throw new IOException("closing the journal failed", e.getCause());
        }
    }

    /** Submits the request made for {@code pid}, or fails at once if the store cannot hold that pid. */
    private CompletableFuture<Void> submitFor(String pid, Supplier<WriteRequest> request) {
        try {
            JournalKeys.checkPid(pid);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return submit(request.get());
    }

    private CompletableFuture<Void> submit(WriteRequest request) {
        synchronized (submitLock) {
            if (stop != null) {
                request.done().completeExceptionally(new IllegalStateException("journal store is closed"));
            } else {
                queue.add(request);
            }
        }
        return request.done();
    }

    private byte[] readChunk(String owner, int index) throws IOException {
        byte[] chunk;
        try {
            chunk = writer.db().get(JournalKeys.chunkKey(owner, index));
        } catch (RuntimeException e) {
            throw new IOException("cannot read chunk " + index + " of the body of " + owner, e);
        }
        if (chunk == null) {
            throw new IOException("chunk " + index + " of the body of " + owner + " is missing");
        }
        return chunk;
    }

    /** Deletes the chunks of every owner that holds no event; see the header. */
    private static void sweepOrphanChunks(DB db) throws IOException {
        int swept = 0;
        try (DBIterator it = db.iterator(); WriteBatch batch = db.createWriteBatch()) {
            for (it.seek(new byte[] {JournalKeys.CHUNK_COUNT}); it.hasNext(); ) {
                byte[] key = it.next().getKey();
                if (!JournalKeys.isChunkCountKey(key)) {
                    break;
                }
                String owner = JournalKeys.pidOfTaggedKey(key);
                if (db.get(JournalKeys.highestKey(owner)) == null) {
                    JournalKeys.deleteChunks(db, batch, owner, 0);
                    swept++;
                }
            }
            if (swept > 0) {
                db.write(batch);
                LOG.info("journal: deleted the stored chunks of {} message(s) that were never accepted", swept);
            }
        }
    }
}
