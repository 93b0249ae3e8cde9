/*
 * SessionRunner: one of the --concurrency sessions at the socket, on Pekko Streams TCP. The connection's
 * bytes are cut into reply lines, each goes through the ClientSession, and what it returns is written
 * back: mapAsync(1) keeps one step at a time, and a step whose message is not due yet (open loop)
 * simply completes later.
 *
 * Connections REUSED: when the session is ready for a message it claims one from Work; when Work has
 * none left it QUITs. PER_MESSAGE and HANDSHAKE_ONLY: the message is claimed (and waited for, in the
 * open loop) before connecting; the session sends it, or nothing, then QUITs, and connects again while
 * work remains. A connection that breaks or is closed by the server counts as a connection failure (the
 * message under way, or claimed for it, FAILED, never resent: the server may have queued it) and the
 * session reconnects while work remains. Three failures in a row without a message accepted in between
 * end the session.
 */
package dev.quail.loadtest.generator;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.stream.javadsl.FramingTruncation;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

final class SessionRunner {

    private static final int MAX_REPLY_LINE = 4096;
    private static final int GIVE_UP_AFTER = 3;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final ActorSystem system;
    private final InetSocketAddress target;
    private final String sender;
    private final Work work;
    private final Function<Work.Claim, Job> jobs;
    private final Stats stats;
    private final Duration replyTimeout;
    private final Connections connections;

    SessionRunner(ActorSystem system, InetSocketAddress target, String sender, Work work,
                  Function<Work.Claim, Job> jobs, Stats stats, Duration replyTimeout, Connections connections) {
        this.system = system;
        this.target = target;
        this.sender = sender;
        this.work = work;
        this.jobs = jobs;
        this.stats = stats;
        this.replyTimeout = replyTimeout;
        this.connections = connections;
    }

    /** Completes when this session has no more work or gave up. */
    CompletionStage<Void> run() {
        return connect(0);
    }

    private CompletionStage<Void> connect(int failuresInARow) {
        if (connections == Connections.REUSED) {
            return connect(failuresInARow, Optional.empty());
        }
        Optional<Work.Claim> claim = work.claim();
        if (claim.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        Job job = jobs.apply(claim.get());
        long delay = claim.get().dueNanos() - System.nanoTime();
        if (delay <= 0) {
            return connect(failuresInARow, Optional.of(job));
        }
        return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS))
                .thenCompose(x -> connect(failuresInARow, Optional.of(job)));
    }

    /** One connection; {@code claimed} is the message it is for, when it is for one. */
    private CompletionStage<Void> connect(int failuresInARow, Optional<Job> claimed) {
        Connection c = new Connection(new ClientSession(sender), claimed);
        stats.connected();
        if (connections == Connections.HANDSHAKE_ONLY) {
            stats.sent();
        }
        CompletionStage<Done> done = Tcp.get(system)
                .outgoingConnection(target, Optional.empty(), List.of(), true, Optional.of(CONNECT_TIMEOUT),
                        Optional.empty())
                .joinMat(client(c), Keep.right())
                .run(system);
        return done.handle((ok, failure) -> failure == null ? "connection closed by the server" : describe(failure))
                .thenCompose(why -> {
                    ClientSession session = c.session;
                    boolean clean = session.quitting() || (session.closed() && session.problem().isEmpty());
                    session.connectionLost(why).ifPresent(outcome -> stats.record(outcome, System.nanoTime()));
                    boolean answered = session.closed() && session.problem().isEmpty();
                    c.unsent().ifPresent(job -> stats.record(new Outcome(
                            answered && connections == Connections.HANDSHAKE_ONLY ? Outcome.Kind.ACCEPTED
                                    : Outcome.Kind.FAILED, job, 0, job.recipients().size(),
                            answered ? Optional.empty() : Optional.of(session.problem().orElse(why))),
                            System.nanoTime()));
                    if (clean) {
                        return connections == Connections.REUSED ? CompletableFuture.completedFuture(null) : connect(0);
                    }
                    stats.connectionFailed(session.problem().orElse(why));
                    int failures = c.progressed ? 0 : failuresInARow + 1;
                    if (work.exhausted() || failures >= GIVE_UP_AFTER) {
                        return CompletableFuture.completedFuture(null);
                    }
                    return connect(failures);
                });
    }

    private Flow<ByteString, ByteString, CompletionStage<Done>> client(Connection c) {
        return Flow.of(ByteString.class)
                .idleTimeout(replyTimeout)
                .via(Framing.delimiter(ByteString.fromString("\n"), MAX_REPLY_LINE, FramingTruncation.ALLOW))
                .map(SessionRunner::line)
                .mapAsync(1, line -> react(c, line))
                .takeWhile(bytes -> !c.session.closed(), true)
                .filter(bytes -> !bytes.isEmpty())
                .watchTermination(Keep.right());
    }

    private CompletionStage<ByteString> react(Connection c, String line) {
        ClientSession session = c.session;
        ClientSession.Step step = session.onLine(line);
        step.outcome().ifPresent(outcome -> {
            stats.record(outcome, System.nanoTime());
            if (outcome.kind() == Outcome.Kind.ACCEPTED) {
                c.progressed = true;
            }
        });
        ByteString written = ByteString.fromArrayUnsafe(step.write());
        if (!step.ready()) {
            return CompletableFuture.completedFuture(written);
        }
        if (connections != Connections.REUSED) {
            Optional<Job> next = connections == Connections.PER_MESSAGE ? c.take() : Optional.empty();
            return CompletableFuture.completedFuture(written.concat(next.map(job -> start(session, job))
                    .orElseGet(() -> ByteString.fromArrayUnsafe(session.quit()))));
        }
        Optional<Work.Claim> claim = work.claim();
        if (claim.isEmpty()) {
            return CompletableFuture.completedFuture(written.concat(ByteString.fromArrayUnsafe(session.quit())));
        }
        long delay = claim.get().dueNanos() - System.nanoTime();
        if (delay <= 0) {
            return CompletableFuture.completedFuture(written.concat(start(session, jobs.apply(claim.get()))));
        }
        return CompletableFuture.supplyAsync(() -> written.concat(start(session, jobs.apply(claim.get()))),
                CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS));
    }

    private ByteString start(ClientSession session, Job job) {
        stats.sent();
        return ByteString.fromArrayUnsafe(session.send(job));
    }

    /**
     * One connection's session and the message claimed for it, until the session takes it. Touched by its own
     * stream's steps one at a time, then by the completion that follows them.
     */
    private static final class Connection {
        final ClientSession session;
        private Optional<Job> claimed;
        boolean progressed;

        Connection(ClientSession session, Optional<Job> claimed) {
            this.session = session;
            this.claimed = claimed;
        }

        /** The claimed message, handed to the session once. */
        Optional<Job> take() {
            Optional<Job> job = claimed;
            claimed = Optional.empty();
            return job;
        }

        /** The claimed message if the session never sent it (the handshake's own, or a connection that broke). */
        Optional<Job> unsent() {
            return take();
        }
    }

    private static String line(ByteString bytes) {
        String line = bytes.decodeString(StandardCharsets.ISO_8859_1);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure.getCause() != null && failure.getMessage() == null ? failure.getCause() : failure;
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
