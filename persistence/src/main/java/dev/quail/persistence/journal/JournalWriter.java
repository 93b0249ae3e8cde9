/*
 * JournalWriter: the journal's one writer thread, its group commit, and its health.
 *
 * It takes everything queued (at most Limits.batchRequests requests or Limits.batchBytes; a single larger request
 * goes alone), writes it as one WriteBatch with one fsync if any request in it needs one, and only then completes
 * the callers' futures. A request whose keys depend on what is stored for its pid first flushes what comes before
 * it in the batch if that touches the pid (WriteRequest).
 *
 * The thread survives anything a batch throws: the batch's futures fail (the callers answer 451 or defer) and the
 * writer carries on. A failed write also means the database can no longer be trusted to write: iq80 keeps the
 * error of a failed background compaction and fails every later write with it, and a log write that failed half
 * way leaves the log's framing behind the file, so records appended after it could be dropped as corrupt at the
 * next recovery. So the writer closes the database and reopens it (recovery turns the log into a table and starts
 * a fresh log) before it writes again. Until a reopen succeeds every request fails at once. The reopen waits a
 * backoff that doubles, up to MAX_BACKOFF_MILLIS, with every failed write or reopen in a row, so a disk that
 * stays full costs a log recovery a second at most, and one that has room again works within about a second.
 *
 * A full disk needs more than that, because iq80 ignores short writes: its log writer drops the count that
 * FileChannel.write returns, and the write that fills the disk writes part of a record and reports success; a
 * synced write would then be acknowledged without its end on disk (reproduced on a full tmpfs: an acknowledged
 * event was gone after the reopen). Two checks of the free space keep the journal from relying on such a write:
 * - before a batch of data, at least Limits.minFreeBytes must remain free beyond the batch (Postfix's
 *   queue_minfree), else the batch fails at once, so the journal itself should never be what fills the disk;
 * - after every write, synced or not, a disk left with no free space at all means the write may have been cut
 *   short: it is reported failed (a duplicate at worst, if it was whole) and the database reopened, so nothing
 *   is appended behind a cut record. A short write that someone else's freed space hides in the microseconds
 *   before that check is the one case left; the reserve makes it need another program to fill the disk first.
 * Deletes need no reserve: they are what frees space.
 *
 * The store is healthy again once a write succeeds and leaves Limits.minFreeBytes free, not when a reopen does: a
 * reopen needs little space, so on a disk that is still full it succeeds and the next write fails. The writer does
 * not wait for someone else's write to find out: the front ends refuse new mail while the store is unhealthy, and
 * mail already queued may have nothing to write for a while, so a store left idle PROBE_MILLIS while unhealthy
 * writes a probe of its own (a synced deletion of a key that is never stored). Health changes are logged once
 * each to the mail log ("quail.send"): an alert, then "journal ok again".
 */
package dev.quail.persistence.journal;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

final class JournalWriter implements Runnable {
    /** How much one batch may hold, and how much of the disk the journal leaves free. */
    record Limits(int batchRequests, long batchBytes, long minFreeBytes) {
        static final Limits DEFAULT = new Limits(1000, 8L << 20, JournalStore.MIN_FREE_BYTES);
    }

    static final String THREAD = "quail-journal-writer";
    static final long FIRST_BACKOFF_MILLIS = 50;
    static final long MAX_BACKOFF_MILLIS = 1000;
    static final long PROBE_MILLIS = 500;

    private static final Logger MAIL_LOG = LoggerFactory.getLogger("quail.send");

    private final Path dir;
    private final FileStore disk;
    private final boolean fsync;
    private final Limits limits;
    private final BlockingQueue<WriteRequest> queue;
    private final AtomicLong batches = new AtomicLong();
    private volatile DB db;
    private volatile JournalStore.Health health = new JournalStore.Health(true, "open", System.currentTimeMillis());
    private long nextReopenMillis;
    private long backoffMillis = FIRST_BACKOFF_MILLIS;

    JournalWriter(DB db, Path dir, boolean fsync, Limits limits, BlockingQueue<WriteRequest> queue)
            throws IOException {
        this.db = db;
        this.dir = dir;
        this.disk = Files.getFileStore(dir);
        this.fsync = fsync;
        this.limits = limits;
        this.queue = queue;
    }

    /** The open database, for reads; IllegalStateException while the writer is reopening it. */
    DB db() {
        DB current = db;
        if (current == null) {
            throw new IllegalStateException("journal " + dir + " is unavailable: " + health.detail());
        }
        return current;
    }

    JournalStore.Health health() {
        return health;
    }

    long batches() {
        return batches.get();
    }

    @Override
    public void run() {
        while (true) {
            WriteRequest first = next();
            if (db == null) {
                reopenIfDue();
            }
            if (first == null) {
                continue;
            }
            if (first instanceof WriteRequest.Stop) {
                close(first);
                return;
            }
            List<WriteRequest> batch = new ArrayList<>(List.of(first));
            try {
                gatherMore(batch);
                write(batch);
            } catch (Throwable e) {
                if (!(e instanceof UnavailableException)) {
                    broken(e);
                }
                batch.forEach(request -> request.done().completeExceptionally(e));
            }
        }
    }

    /**
     * The next request; null when a reopen is due first. Waits no longer than until the next reopen, and while the
     * store is open but unhealthy, no longer than PROBE_MILLIS before it probes.
     */
    private WriteRequest next() {
        try {
            if (db != null && health.ok()) {
                return queue.take();
            }
            if (db != null) {
                WriteRequest request = queue.poll(PROBE_MILLIS, TimeUnit.MILLISECONDS);
                return request != null ? request : new WriteRequest.Probe(new CompletableFuture<>());
            }
            return queue.poll(Math.max(0, nextReopenMillis - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            // Nobody but close() stops this thread, and it does so with a Stop request.
            return null;
        }
    }

    /** Adds to {@code batch} (holding the first request) what else is queued, up to the limits. */
    private void gatherMore(List<WriteRequest> batch) {
        long bytes = batch.get(0).bytes();
        WriteRequest next;
        // Only this thread takes from the queue, so what peek() shows is what poll() returns.
        while (batch.size() < limits.batchRequests() && (next = queue.peek()) != null
                && !(next instanceof WriteRequest.Stop) && bytes + next.bytes() <= limits.batchBytes()) {
            batch.add(queue.poll());
            bytes += next.bytes();
        }
    }

    /** Writes the batch, or throws: an UnavailableException leaves the database as it is, anything else breaks it. */
    private void write(List<WriteRequest> requests) throws IOException {
        if (db == null) {
            throw new UnavailableException("journal " + dir + " is unavailable: " + health.detail());
        }
        long bytes = requests.stream().mapToLong(WriteRequest::bytes).sum();
        long free = disk.getUsableSpace();
        if (bytes > 0 && free < bytes + limits.minFreeBytes()) {
            setHealth(false, "disk full: " + free + " bytes free, " + bytes + " to write and "
                    + limits.minFreeBytes() + " kept free");
            throw new UnavailableException("journal " + dir + ": " + health.detail());
        }
        int start = 0;
        long freeAfter = free;
        Set<String> pending = new HashSet<>();
        for (int i = 0; i < requests.size(); i++) {
            WriteRequest request = requests.get(i);
            if (request.readsStored() && request.pids().anyMatch(pending::contains)) {
                freeAfter = flush(requests.subList(start, i));
                start = i;
                pending.clear();
            }
            request.pids().forEach(pending::add);
        }
        freeAfter = flush(requests.subList(start, requests.size()));
        if (!health.ok() && freeAfter >= limits.minFreeBytes()) {
            backoffMillis = FIRST_BACKOFF_MILLIS;
            setHealth(true, "open");
        }
        requests.forEach(request -> request.done().complete(null));
    }

    /** Writes one WriteBatch; the disk space left free. */
    private long flush(List<WriteRequest> requests) throws IOException {
        boolean sync = false;
        try (WriteBatch batch = db.createWriteBatch()) {
            for (WriteRequest request : requests) {
                sync |= request.addTo(db, batch);
            }
            long started = System.nanoTime();
            db.write(batch, new WriteOptions().sync(sync && fsync));
            WriteTimes.Sink.get().batch(sync && fsync, System.nanoTime() - started);
        }
        long free = disk.getUsableSpace();
        if (free == 0) {
            throw new IOException("the disk filled up during the write, which may have been cut short");
        }
        batches.incrementAndGet();
        return free;
    }

    private void broken(Throwable cause) {
        DB failed = db;
        db = null;
        closeQuietly(failed);
        backOff();
        setHealth(false, "write failed (" + cause + ")");
    }

    private void reopenIfDue() {
        if (System.currentTimeMillis() < nextReopenMillis) {
            return;
        }
        try {
            db = LevelDb.open(dir);
            setHealth(false, health.detail() + "; reopened, waiting for a write to succeed");
        } catch (Throwable e) {
            backOff();
            setHealth(false, "reopen failed (" + e + ")");
        }
    }

    private void backOff() {
        nextReopenMillis = System.currentTimeMillis() + backoffMillis;
        backoffMillis = Math.min(2 * backoffMillis, MAX_BACKOFF_MILLIS);
    }

    private void setHealth(boolean ok, String detail) {
        boolean changed = ok != health.ok();
        health = new JournalStore.Health(ok, detail, changed ? System.currentTimeMillis() : health.sinceMillis());
        if (changed && ok) {
            MAIL_LOG.info("journal ok again: {}", dir);
        } else if (changed) {
            MAIL_LOG.error("alert: journal {} cannot write: {}", dir, detail);
        }
    }

    private void close(WriteRequest stop) {
        try {
            if (db != null) {
                db.close();
            }
            stop.done().complete(null);
        } catch (Throwable e) {
            stop.done().completeExceptionally(e);
        }
    }

    private static void closeQuietly(DB failed) {
        try {
            failed.close();
        } catch (Throwable e) {
            // The database is being given up on; the reopen will tell whether the directory is usable.
        }
    }

    /** A batch refused without touching the database (closed for a reopen, or the disk too full to start). */
    private static final class UnavailableException extends IOException {
        UnavailableException(String message) {
            super(message);
        }
    }
}
