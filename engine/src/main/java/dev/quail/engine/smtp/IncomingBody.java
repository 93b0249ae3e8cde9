package dev.quail.engine.smtp;

import dev.quail.config.Control;
import dev.quail.engine.Controls;
import dev.quail.engine.delivery.QuailPrograms;
import dev.quail.engine.delivery.QueueProgram;
import dev.quail.engine.delivery.ReceivedLine;
import dev.quail.engine.log.MessageLog;
import dev.quail.engine.queue.Submitter;
import dev.quail.persistence.body.Body;
import dev.quail.persistence.body.BodyStore;
import dev.quail.persistence.body.BodyWriter;
import dev.quail.protocols.smtp.QueueResult;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The message one connection (SMTP, QMTP or QMQP) is receiving, on its way into the {@link BodyStore}: the edge
 * hands it the session's Store, Discard and Submit outputs in order. The first piece of a message draws its id and
 * opens a {@link BodyWriter} under {@link Submitter#owner}; each piece's stage completes once the chunks it filled
 * are stored, and the edge reads nothing more from the client until then, so a fast client cannot get ahead of
 * the disk. Submit finishes the body and hands it to the queue, which owns its chunks from then on.
 *
 * <p>Chunks are deleted (the writer aborted) when the session discards the message, when a chunk cannot be stored
 * (the message is then answered {@link #WRITE_FAILED}, a temporary failure, without reaching the queue), and when
 * the connection ends in the middle of a message ({@link #abandon}, which may come from another thread than the
 * stream's: every method is synchronized). A crash in between leaves orphan chunks, which the store sweeps at its
 * next start.
 */
public final class IncomingBody {
    static final QueueResult WRITE_FAILED = new QueueResult.Temporary("4.3.0 qq write error or disk full (#4.3.0)");
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private record Open(String id, BodyWriter writer) {}

    private final BodyStore store;
    private final Submitter submitter;
    private final String origin;
    private final Optional<QueueProgram> qmailqueue;
    private final Executor io;
    private Optional<Open> open = Optional.empty();
    private boolean failed;
    private boolean abandoned;

    /** A message the queue takes itself. */
    public IncomingBody(BodyStore store, Submitter submitter, String origin) {
        this(store, submitter, origin, Optional.empty(), Runnable::run);
    }

    /**
     * {@code qmailqueue}: the program that takes qmail-queue's place, if control/qmailqueue names one; it runs on
     * {@code io}, as it blocks.
     */
    public IncomingBody(BodyStore store, Submitter submitter, String origin, Optional<QueueProgram> qmailqueue,
                        Executor io) {
        this.store = store;
        this.submitter = submitter;
        this.origin = origin;
        this.qmailqueue = qmailqueue;
        this.io = io;
    }

    /**
     * control/qmailqueue and timeoutqmailqueue as one connection's front end applies them; the program finds the
     * home and bin/ as program deliveries do.
     */
    public static Optional<QueueProgram> qmailqueue(Controls controls) {
        Control control = controls.current().control();
        if (control.qmailqueue().isEmpty()) return Optional.empty();
        return Optional.of(new QueueProgram(control.qmailqueue(),
                Duration.ofSeconds(control.limits().timeoutqmailqueue()),
                QuailPrograms.environment(controls.home().root(), System.getenv())));
    }

    /** Appends a piece; the stage completes (never exceptionally) once it is stored or has failed. */
    public synchronized CompletionStage<Void> store(byte[] piece) {
        if (abandoned || failed) return DONE;
        Open current = open();
        CompletionStage<Void> written;
        try {
            written = current.writer().write(piece, 0, piece.length);
        } catch (RuntimeException e) {
            written = CompletableFuture.failedFuture(e);
        }
        return written.handle((ok, failure) -> {
            if (failure != null) fail(current, failure);
            return null;
        });
    }

    /** The session refused the message: its chunks go. */
    public synchronized void discard() {
        open.ifPresent(this::abort);
        open = Optional.empty();
        failed = false;
    }

    /** The message is complete: its body goes to the queue with this envelope, unless a chunk failed. */
    public synchronized CompletionStage<QueueResult> submit(String sender, List<String> recipients) {
        if (abandoned) return CompletableFuture.completedFuture(WRITE_FAILED);
        if (failed) {
            failed = false;
            return CompletableFuture.completedFuture(WRITE_FAILED);
        }
        Open current = open();
        open = Optional.empty();
        Body body = current.writer().finish();
        if (qmailqueue.isEmpty()) return submitter.submit(current.id(), true, sender, recipients, body, origin);
        return CompletableFuture.supplyAsync(() -> throughProgram(qmailqueue.get(), current, body, sender, recipients),
                io);
    }

    /**
     * The program gets the message streamed from its stored chunks, which go once it has ended: whatever it queued,
     * it queued through bin/qmail-queue. The reply names the id this message was received under, as the log does.
     */
    private QueueResult throughProgram(QueueProgram program, Open current, Body body, String sender,
                                       List<String> recipients) {
        QueueProgram.Exit exit;
        try {
            exit = program.run(store.open(current.writer().owner(), body), sender, recipients);
        } catch (IOException e) {
            MessageLog.warning(origin + " unable to run qmailqueue: " + e.getMessage());
            exit = QueueProgram.NOT_RUN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exit = QueueProgram.NOT_RUN;
        }
        abort(current);
        MessageLog.info(origin + " qmailqueue msg " + current.id()
                + (exit.crashed() ? " crashed" : " exit " + exit.code()));
        return QueueProgram.result(exit, current.id());
    }

    /** The connection is over: a message still being received is forgotten. */
    public synchronized void abandon() {
        abandoned = true;
        discard();
    }

    /**
     * SMTP-41: a message the queue takes itself starts with qmail-queue's line, on top of the front end's own
     * Received line. Written into a fresh writer it only fills the first chunk, so its stage is already complete.
     */
    private Open open() {
        if (open.isEmpty()) {
            String id = submitter.newId();
            BodyWriter writer = store.writer(Submitter.owner(id));
            if (qmailqueue.isEmpty()) { // else the program's bin/qmail-queue adds the line, as qmail's did
                byte[] line = ReceivedLine.of(id, ReceivedLine.Invoked.FROM_NETWORK, Instant.now());
                writer.write(line, 0, line.length);
            }
            open = Optional.of(new Open(id, writer));
        }
        return open.get();
    }

    private synchronized void fail(Open current, Throwable failure) {
        if (open.filter(o -> o == current).isEmpty()) return;
        MessageLog.warning(origin + " unable to store a message: " + failure.getMessage());
        abort(current);
        open = Optional.empty();
        failed = true;
    }

    private void abort(Open current) {
        current.writer().abort().whenComplete((ok, failure) -> {
            if (failure != null) MessageLog.warning(origin + " unable to delete the chunks of a refused message "
                    + current.id() + ": " + failure.getMessage());
        });
    }
}
