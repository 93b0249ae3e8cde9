/*
 * JournalStore: the event log under Quail's journal, and the body store beside it, one LevelDB database with
 * group commit.
 *
 * Group commit: callers (the journal actor, on behalf of many Message actors; front ends storing body chunks)
 * only enqueue. One writer thread takes everything pending (at most MAX_BATCH_REQUESTS requests or
 * MAX_BATCH_BYTES of event and chunk bytes; a single larger request goes alone), writes it as ONE WriteBatch
 * with one fsync, and only then completes the callers' futures. While one fsync runs the next batch fills, so
 * throughput grows with load instead of being capped at one fsync per write. Requests are taken in FIFO order,
 * so writes of one persistence id keep their order, chunks before the Accepted event that refers to them. If a
 * batch fails, every future in it fails (the client gets 451, never 250): nothing is acknowledged that was not
 * on disk.
 *
 * Deletion departs from Pekko's usual rule. A journal normally keeps the highest sequence number of a
 * persistence id forever so that the id never reuses a number. Quail never reuses a persistence id (one per
 * queued message), so keeping a record per finished message would grow the journal without end. deleteTo
 * therefore removes all keys of a pid once its last event is gone, its body's chunks included; an actor
 * recovered afterwards under the same id would start again at 1. Deletes are written without fsync: a lost
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
 * Logs and tables go through FileChannels, not memory maps (leveldb.mmap=false, set before iq80 is loaded).
 * iq80's memory-mapped log maps 1 MiB at a time and unmaps a full map without forcing it, and a synced write
 * forces only the current map: a record that crosses a 1 MiB boundary (a batch of chunks does, often) would be
 * acknowledged with its first part still in the page cache. And a full disk under a memory map faults (SIGBUS)
 * instead of failing the write with an IOException.
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.iq80.leveldb.CompressionType;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;
import org.iq80.leveldb.impl.Iq80DBFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public final class JournalStore implements BodyStore, ChunkStore, AutoCloseable {
    static {
        // Read once, when iq80's factory class is loaded: see the header for why memory maps are off.
        System.setProperty("leveldb.mmap", "false");
    }

    private static final Logger LOG = LoggerFactory.getLogger(JournalStore.class);

    /** One journal entry: the serialized event {@code bytes} at {@code seqNr} of {@code pid}. */
    public record Event(String pid, long seqNr, byte[] bytes) {
    }

    static final int MAX_BATCH_REQUESTS = 1000;
    static final long MAX_BATCH_BYTES = 8L << 20;
    static final String WRITER_THREAD = "quail-journal-writer";

    /** One queued request: its key updates, the pids it writes and reads, and the future its caller waits on. */
    private sealed interface Request permits Write, Delete, PutChunk, DeleteChunks, Stop {
        CompletableFuture<Void> done();

        default long bytes() {
            return 0;
        }

        /** Adds this request's key updates to {@code batch}; true if they must be on disk before done(). */
        boolean addTo(DB db, WriteBatch batch);

        /** The pids whose keys this request puts. */
        default Stream<String> puts() {
            return Stream.empty();
        }

        /** The pid whose stored keys this request reads to know what to delete. */
        default Optional<String> reads() {
            return Optional.empty();
        }
    }

    private record Write(List<Event> events, long bytes, CompletableFuture<Void> done) implements Request {
        @Override
        public boolean addTo(DB db, WriteBatch batch) {
            JournalKeys.putEvents(batch, events);
            return true;
        }

        @Override
        public Stream<String> puts() {
            return events.stream().map(Event::pid);
        }
    }

    private record Delete(String pid, long toSeqNr, CompletableFuture<Void> done) implements Request {
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

    private record PutChunk(String owner, int index, byte[] chunk, CompletableFuture<Void> done) implements Request {
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

    private record DeleteChunks(String owner, int count, CompletableFuture<Void> done) implements Request {
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

    private record Stop(CompletableFuture<Void> done) implements Request {
        @Override
        public boolean addTo(DB db, WriteBatch batch) {
            return false;
        }
    }

    private final DB db;
    private final boolean fsync;
    private final int maxBatchRequests;
    private final long maxBatchBytes;
    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Object submitLock = new Object();
    private final AtomicLong batches = new AtomicLong();
    private Stop stop; // set once, by close(); guarded by submitLock

    private JournalStore(DB db, boolean fsync, int maxBatchRequests, long maxBatchBytes) {
        this.db = db;
        this.fsync = fsync;
        this.maxBatchRequests = maxBatchRequests;
        this.maxBatchBytes = maxBatchBytes;
        Thread writer = new Thread(this::writeLoop, WRITER_THREAD);
        writer.setDaemon(true);
        writer.start();
    }

    /** Opens (creating if missing) the database in {@code dir}; {@code fsync} makes every write durable. */
    public static JournalStore open(Path dir, boolean fsync) throws IOException {
        return open(dir, fsync, MAX_BATCH_REQUESTS, MAX_BATCH_BYTES);
    }

    static JournalStore open(Path dir, boolean fsync, int maxBatchRequests, long maxBatchBytes) throws IOException {
        Files.createDirectories(dir);
        // No compression: the journal is CPU-bound, most entries are deleted within seconds, and bodies are
        // short-lived. A larger memtable means fewer level-0 flushes of entries that are about to be deleted.
        if (Iq80DBFactory.USE_MMAP) {
            throw new IOException("iq80 LevelDB was loaded with memory-mapped files before the journal could turn"
                    + " them off (leveldb.mmap); synced writes would not be durable");
        }
        DB db = Iq80DBFactory.factory.open(dir.toFile(), new Options().createIfMissing(true)
                .compressionType(CompressionType.NONE).writeBufferSize(32 << 20));
        try {
            sweepOrphanChunks(db);
        } catch (RuntimeException e) {
            db.close();
            throw new IOException("cannot sweep orphan body chunks in " + dir, e);
        }
        return new JournalStore(db, fsync, maxBatchRequests, maxBatchBytes);
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
        return submit(new Write(List.copyOf(events), bytes, new CompletableFuture<>()));
    }

    /** Removes the events of {@code pid} up to {@code toSeqNr}, and the pid itself once none is left. */
    public CompletableFuture<Void> deleteTo(String pid, long toSeqNr) {
        try {
            JournalKeys.checkPid(pid);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return submit(new Delete(pid, toSeqNr, new CompletableFuture<>()));
    }

    /** The highest sequence number written for {@code pid}, 0 if it holds no event. */
    public long highestSeqNr(String pid) {
        JournalKeys.checkPid(pid);
        byte[] value = db.get(JournalKeys.highestKey(pid));
        return value == null ? 0 : JournalKeys.decodeLong(value);
    }

    /** Feeds {@code each} the events of {@code pid} with from ≤ seqNr ≤ to, in order, at most {@code max}. */
    public void replay(String pid, long from, long to, long max, Consumer<byte[]> each) throws IOException {
        JournalKeys.checkPid(pid);
        byte[] prefix = JournalKeys.eventPrefix(pid);
        long count = 0;
        try (DBIterator it = db.iterator()) {
            it.seek(JournalKeys.eventKey(prefix, Math.max(from, 0)));
            while (count < max && it.hasNext()) {
                Map.Entry<byte[], byte[]> entry = it.next();
                long seqNr = JournalKeys.seqNrOf(prefix, entry.getKey());
                if (seqNr < 0 || seqNr > to) {
                    return;
                }
                each.accept(entry.getValue());
                count++;
            }
        }
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
        return new LiveIdCursor(db.iterator());
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
        try {
            JournalKeys.checkPid(owner);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return submit(new PutChunk(owner, index, chunk, new CompletableFuture<>()));
    }

    @Override
    public CompletableFuture<Void> deleteChunks(String owner, int count) {
        try {
            JournalKeys.checkPid(owner);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return submit(new DeleteChunks(owner, count, new CompletableFuture<>()));
    }

    /** How many WriteBatches have been written so far: for metrics and group-commit tests. */
    public long batches() {
        return batches.get();
    }

    /** Writes everything already submitted, then closes the database; later requests fail. */
    @Override
    public void close() throws IOException {
        Stop closing;
        synchronized (submitLock) {
            if (stop == null) {
                stop = new Stop(new CompletableFuture<>());
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

    private CompletableFuture<Void> submit(Request request) {
        synchronized (submitLock) {
            if (stop != null) {
                request.done().completeExceptionally(new IllegalStateException("journal store is closed"));
            } else {
                queue.add(request);
            }
        }
        return request.done();
    }

    private void writeLoop() {
        List<Request> batch = new ArrayList<>();
        while (true) {
            Request first;
            try {
                first = queue.take();
            } catch (InterruptedException e) {
                continue;
            }
            if (first instanceof Stop) {
                closeDb(first.done());
                return;
            }
            batch.add(first);
            long bytes = first.bytes();
            Request next;
            // Only this thread takes from the queue, so what peek() shows is what poll() returns.
            while (batch.size() < maxBatchRequests && (next = queue.peek()) != null
                    && !(next instanceof Stop) && bytes + next.bytes() <= maxBatchBytes) {
                batch.add(queue.poll());
                bytes += next.bytes();
            }
            commit(batch);
            batch.clear();
        }
    }

    /**
     * Writes {@code requests} in order. A delete computes its keys from what is already in the database, so a
     * delete of a pid put earlier in the same batch first flushes what comes before it.
     */
    private void commit(List<Request> requests) {
        int start = 0;
        Set<String> pending = new HashSet<>();
        for (int i = 0; i < requests.size(); i++) {
            Request request = requests.get(i);
            if (request.reads().filter(pending::contains).isPresent()) {
                flush(requests.subList(start, i));
                start = i;
                pending.clear();
            }
            request.puts().forEach(pending::add);
        }
        flush(requests.subList(start, requests.size()));
    }

    private void flush(List<Request> requests) {
        boolean sync = false;
        try (WriteBatch batch = db.createWriteBatch()) {
            for (Request request : requests) {
                sync |= request.addTo(db, batch);
            }
            db.write(batch, new WriteOptions().sync(sync && fsync));
            batches.incrementAndGet();
        } catch (RuntimeException | IOException e) {
            requests.forEach(request -> request.done().completeExceptionally(e));
            return;
        }
        requests.forEach(request -> request.done().complete(null));
    }

    private byte[] readChunk(String owner, int index) throws IOException {
        byte[] chunk;
        try {
            chunk = db.get(JournalKeys.chunkKey(owner, index));
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

    private void closeDb(CompletableFuture<Void> closed) {
        try {
            db.close();
            closed.complete(null);
        } catch (IOException | RuntimeException e) {
            closed.completeExceptionally(e);
        }
    }
}
