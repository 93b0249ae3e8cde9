/*
 * GroupCommit: the one thread that writes the shared journal's own rows (body chunks, forgotten messages), off
 * Pekko's threads, with group commit as JournalWriter does for LevelDB.
 *
 * Callers only enqueue. The thread takes everything queued (at most BATCH_REQUESTS requests or BATCH_BYTES bytes; a
 * single larger request goes alone), runs it as ONE transaction and completes the callers' futures only once the
 * commit has returned, that is (synchronous_commit on) once the rows are on the server's disk. While one commit
 * runs the next batch fills, so many front ends storing chunks at once share commits instead of queueing for one
 * each. Requests run in FIFO order, so the writes of one owner keep theirs. If a batch fails, every future in it
 * fails: nothing is acknowledged that was not committed.
 *
 * Health follows the last transaction: a batch, or, after PROBE_MILLIS without one, a probe that writes nothing
 * (a delete of a chunk that cannot exist), so a database gone away or turned read-only shows before mail does and
 * its return shows within a second. Changes are logged once each to the mail log ("quail.send"), as the
 * LevelDB journal's are.
 */
package dev.quail.persistence.jdbc;

import dev.quail.persistence.journal.JournalStore;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

final class GroupCommit implements AutoCloseable {
    static final int BATCH_REQUESTS = 1000;
    static final long BATCH_BYTES = 8L << 20;
    static final long PROBE_MILLIS = 1000;
    /** How long close() waits for what was submitted before it: a few batches against a database that is down. */
    static final long CLOSE_MILLIS = 4L * (Connections.CONNECT_SECONDS + Connections.STATEMENT_SECONDS) * 1000;

    private static final String PROBE = "DELETE FROM quail_body_chunk WHERE owner = ''";
    private static final Logger MAIL_LOG = LoggerFactory.getLogger("quail.send");
    private static final Logger LOG = LoggerFactory.getLogger(SharedJournal.class);

    /** One write, run in the next transaction with whatever else is queued. */
    interface Write {
        void run(Connection connection) throws SQLException;
    }

    private record Request(Write write, long bytes, CompletableFuture<Void> done) {
    }

    private final Connections connections;
    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final Request stop = new Request(connection -> { }, 0, new CompletableFuture<>());
    private final Thread thread = new Thread(this::run, "quail-shared-journal-writer");
    private final AtomicLong batches = new AtomicLong();
    private boolean stopping; // guarded by queue
    private volatile JournalStore.Health health = new JournalStore.Health(true, "open", System.currentTimeMillis());

    GroupCommit(Connections connections) {
        this.connections = connections;
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs {@code write} in the next transaction; the future completes once that is committed. */
    CompletableFuture<Void> submit(long bytes, Write write) {
        Request request = new Request(write, bytes, new CompletableFuture<>());
        synchronized (queue) {
            if (stopping) {
                request.done().completeExceptionally(new IllegalStateException("the shared journal is closed"));
            } else {
                queue.add(request);
            }
        }
        return request.done();
    }

    JournalStore.Health health() {
        return health;
    }

    /** How many transactions have committed writes so far: for group-commit tests. */
    long batches() {
        return batches.get();
    }

    /** Writes everything submitted before, waiting at most CLOSE_MILLIS; later submits fail. */
    @Override
    public void close() {
        synchronized (queue) {
            if (!stopping) {
                stopping = true;
                queue.add(stop);
            }
        }
        try {
            thread.join(CLOSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            // Its futures still complete: against a closed pool every batch fails at once.
            LOG.warn("shared journal: closing without waiting longer for {} queued write(s)", queue.size());
        }
    }

    private void run() {
        for (Request first = next(); first != stop; first = next()) {
            if (first == null) {
                probe();
                continue;
            }
            List<Request> batch = gather(first);
            try {
                connections.transaction("writing to the shared journal", connection -> {
                    for (Request request : batch) {
                        request.write().run(connection);
                    }
                    return null;
                });
                batches.incrementAndGet();
                setHealth(true, "ok");
                batch.forEach(request -> request.done().complete(null));
            } catch (IOException | RuntimeException e) {
                setHealth(false, "write failed: " + e.getMessage());
                batch.forEach(request -> request.done().completeExceptionally(e));
            }
        }
    }

    /** The next request; null after PROBE_MILLIS without one. */
    private Request next() {
        try {
            return queue.poll(PROBE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            // Nobody but close() stops this thread, and it does so with the stop request.
            return null;
        }
    }

    /** {@code first} and what else is queued behind it, up to the limits. */
    private List<Request> gather(Request first) {
        List<Request> batch = new ArrayList<>(List.of(first));
        long bytes = first.bytes();
        Request next;
        // Only this thread takes from the queue, so what peek() shows is what poll() returns.
        while (batch.size() < BATCH_REQUESTS && (next = queue.peek()) != null && next != stop
                && bytes + next.bytes() <= BATCH_BYTES) {
            batch.add(queue.poll());
            bytes += next.bytes();
        }
        return batch;
    }

    private void probe() {
        try {
            connections.transaction("checking the shared journal", connection -> {
                try (var statement = Connections.prepare(connection, PROBE)) {
                    return statement.executeUpdate();
                }
            });
            setHealth(true, "ok");
        } catch (IOException | RuntimeException e) {
            setHealth(false, "check failed: " + e.getMessage());
        }
    }

    private void setHealth(boolean ok, String detail) {
        JournalStore.Health was = health;
        boolean changed = ok != was.ok();
        health = new JournalStore.Health(ok, detail, changed ? System.currentTimeMillis() : was.sinceMillis());
        if (changed && ok) {
            MAIL_LOG.info("shared journal ok again");
        } else if (changed) {
            MAIL_LOG.error("alert: shared journal cannot write: {}", detail);
        }
    }
}
