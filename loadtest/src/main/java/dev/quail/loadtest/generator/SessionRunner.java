/*
 * SessionRunner: one of the --concurrency sessions at the socket, on Pekko Streams TCP. The connection's
 * bytes are cut into reply lines, each goes through the ClientSession, and what it returns is written
 * back: mapAsync(1) keeps one step at a time, and a step whose message is not due yet (open loop)
 * simply completes later.
 *
 * When the session is ready for a message it claims one from Work; when Work has none left it QUITs.
 * A connection that breaks or is closed by the server counts as a connection failure (the message
 * under way, if any, FAILED, never resent: the server may have queued it) and the session reconnects
 * while work remains. Three failures in a row without a message accepted in between end the session.
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
import java.util.concurrent.atomic.AtomicBoolean;
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

    SessionRunner(ActorSystem system, InetSocketAddress target, String sender, Work work,
                  Function<Work.Claim, Job> jobs, Stats stats, Duration replyTimeout) {
        this.system = system;
        this.target = target;
        this.sender = sender;
        this.work = work;
        this.jobs = jobs;
        this.stats = stats;
        this.replyTimeout = replyTimeout;
    }

    /** Completes when this session has no more work or gave up. */
    CompletionStage<Void> run() {
        return connect(0);
    }

    private CompletionStage<Void> connect(int failuresInARow) {
        ClientSession session = new ClientSession(sender);
        AtomicBoolean progressed = new AtomicBoolean();
        CompletionStage<Done> done = Tcp.get(system)
                .outgoingConnection(target, Optional.empty(), List.of(), true, Optional.of(CONNECT_TIMEOUT),
                        Optional.empty())
                .joinMat(client(session, progressed), Keep.right())
                .run(system);
        return done.handle((ok, failure) -> failure == null ? "connection closed by the server" : describe(failure))
                .thenCompose(why -> {
                    boolean clean = session.quitting() || (session.closed() && session.problem().isEmpty());
                    session.connectionLost(why).ifPresent(outcome -> stats.record(outcome, System.nanoTime()));
                    if (clean) {
                        return CompletableFuture.completedFuture(null);
                    }
                    stats.connectionFailed(session.problem().orElse(why));
                    int failures = progressed.get() ? 0 : failuresInARow + 1;
                    if (work.exhausted() || failures >= GIVE_UP_AFTER) {
                        return CompletableFuture.completedFuture(null);
                    }
                    return connect(failures);
                });
    }

    private Flow<ByteString, ByteString, CompletionStage<Done>> client(ClientSession session, AtomicBoolean progressed) {
        return Flow.of(ByteString.class)
                .idleTimeout(replyTimeout)
                .via(Framing.delimiter(ByteString.fromString("\n"), MAX_REPLY_LINE, FramingTruncation.ALLOW))
                .map(SessionRunner::line)
                .mapAsync(1, line -> react(session, line, progressed))
                .takeWhile(bytes -> !session.closed(), true)
                .filter(bytes -> !bytes.isEmpty())
                .watchTermination(Keep.right());
    }

    private CompletionStage<ByteString> react(ClientSession session, String line, AtomicBoolean progressed) {
        ClientSession.Step step = session.onLine(line);
        step.outcome().ifPresent(outcome -> {
            stats.record(outcome, System.nanoTime());
            if (outcome.kind() == Outcome.Kind.ACCEPTED) {
                progressed.set(true);
            }
        });
        ByteString written = ByteString.fromArrayUnsafe(step.write());
        if (!step.ready()) {
            return CompletableFuture.completedFuture(written);
        }
        Optional<Work.Claim> claim = work.claim();
        if (claim.isEmpty()) {
            return CompletableFuture.completedFuture(written.concat(ByteString.fromArrayUnsafe(session.quit())));
        }
        long delay = claim.get().dueNanos() - System.nanoTime();
        if (delay <= 0) {
            return CompletableFuture.completedFuture(written.concat(start(session, claim.get())));
        }
        return CompletableFuture.supplyAsync(() -> written.concat(start(session, claim.get())),
                CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS));
    }

    private ByteString start(ClientSession session, Work.Claim claim) {
        Job job = jobs.apply(claim);
        stats.sent();
        return ByteString.fromArrayUnsafe(session.send(job));
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
