package dev.quail.engine.smtp;

import dev.quail.engine.queue.Queue;
import dev.quail.protocols.smtp.QueueResult;
import dev.quail.protocols.smtp.SmtpOutput;
import dev.quail.protocols.smtp.SmtpSession;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * The stream edge around one {@link SmtpSession}: bytes in, the session's replies out. The session is a pure state
 * machine; this class only frames its outputs, carries each Submit to the Queue and the Queue's answer back, and
 * ends the stream on Close. {@code mapAsync(1)} keeps replies in command order and applies back-pressure: while a
 * message is being journaled, nothing more is read from the client.
 */
public final class SmtpConnection {
    /** What one step produced: bytes to write, and whether the connection ends after them. */
    private record Step(ByteString bytes, boolean close) {}

    /** Longer than any journal write; on expiry the client hears 451 and retries, which is safe. */
    private static final Duration QUEUE_TIMEOUT = Duration.ofSeconds(60);

    private SmtpConnection() {}

    public static Flow<ByteString, ByteString, NotUsed> flow(
            SmtpSession session, ActorRef<Queue.Command> queue, Scheduler scheduler, String origin,
            Duration idleTimeout) {
        Step greeting = new Step(render(session.start()).bytes(), false);
        return Flow.of(ByteString.class)
                .idleTimeout(idleTimeout)
                .mapAsync(1, chunk -> {
                    byte[] bytes = chunk.toArrayUnsafe();
                    return run(session, session.receive(bytes, 0, bytes.length), queue, scheduler, origin);
                })
                .recover(TimeoutException.class, () -> render(session.timeout()))
                .prepend(Source.single(greeting))
                .takeWhile(step -> !step.close(), true)
                .map(Step::bytes)
                .filter(bytes -> !bytes.isEmpty());
    }

    /** Writes the replies and performs the Submits in order, feeding each Queue answer back to the session. */
    private static CompletionStage<Step> run(SmtpSession session, List<SmtpOutput> outputs,
                                             ActorRef<Queue.Command> queue, Scheduler scheduler, String origin) {
        StringBuilder replies = new StringBuilder();
        for (int i = 0; i < outputs.size(); i++) {
            SmtpOutput output = outputs.get(i);
            if (output instanceof SmtpOutput.Reply reply) {
                replies.append(reply.text());
            } else if (output instanceof SmtpOutput.Close) {
                return CompletableFuture.completedFuture(new Step(ascii(replies), true));
            } else if (output instanceof SmtpOutput.Submit submit) {
                String before = replies.toString();
                List<SmtpOutput> rest = outputs.subList(i + 1, outputs.size());
                return submit(submit, queue, scheduler, origin).thenCompose(result -> {
                    List<SmtpOutput> next = new java.util.ArrayList<>(rest);
                    next.addAll(session.queued(result));
                    return run(session, next, queue, scheduler, origin)
                            .thenApply(step -> new Step(ascii(before).concat(step.bytes()), step.close()));
                });
            }
        }
        return CompletableFuture.completedFuture(new Step(ascii(replies), false));
    }

    static CompletionStage<QueueResult> submit(SmtpOutput.Submit submit, ActorRef<Queue.Command> queue,
                                               Scheduler scheduler, String origin) {
        CompletionStage<QueueResult> asked = AskPattern.ask(queue,
                replyTo -> new Queue.Submit(Optional.empty(), submit.sender(), submit.recipients(),
                        submit.message(), origin, replyTo),
                QUEUE_TIMEOUT, scheduler);
        return asked.exceptionally(e -> new QueueResult.Temporary("4.3.0 qq timeout (#4.3.0)"));
    }

    private static Step render(List<SmtpOutput> outputs) {
        StringBuilder b = new StringBuilder();
        boolean close = false;
        for (SmtpOutput o : outputs) {
            if (o instanceof SmtpOutput.Reply r) b.append(r.text());
            if (o instanceof SmtpOutput.Close) close = true;
        }
        return new Step(ascii(b), close);
    }

    private static ByteString ascii(CharSequence text) {
        return ByteString.fromString(text.toString(), StandardCharsets.ISO_8859_1);
    }
}
