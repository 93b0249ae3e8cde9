package dev.quail.engine.qmtp;

import dev.quail.engine.queue.Submitter;
import dev.quail.persistence.body.Body;

import dev.quail.engine.delivery.Injector;
import dev.quail.protocols.qmtp.NetstringSession;
import dev.quail.protocols.qmtp.QmtpOutput;
import dev.quail.protocols.smtp.QueueResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * The stream edge around one QMTP or QMQP {@link NetstringSession}: bytes in, reply netstrings out. It carries
 * each Submit to the Queue exactly as the SMTP edge does and feeds the answer back, so K is written only once the
 * message is in the journal. {@code mapAsync(1)} keeps answers in package order and reads nothing more while a
 * message is being journaled. The whole connection may last {@code lifetime} (qmail-qmtpd's one-hour alarm).
 */
public final class QmtpConnection {
    /** What one step produced: bytes to write, and whether the connection ends after them. */
    private record Step(ByteString bytes, boolean close) {}

    /** Longer than any journal write; on expiry the client hears Z and retries, which is safe. */

    private QmtpConnection() {}

    /** {@code origin} names the client in the log ("qmtp 192.0.2.7"). */
    public static Flow<ByteString, ByteString, NotUsed> flow(NetstringSession session, Submitter submitter,
                                                            String origin, Duration lifetime) {
        return Flow.of(ByteString.class)
                .completionTimeout(lifetime)
                .mapAsync(1, chunk -> {
                    byte[] bytes = chunk.toArrayUnsafe();
                    return run(session, session.receive(bytes, 0, bytes.length), submitter, origin);
                })
                .takeWhile(step -> !step.close(), true)
                .map(Step::bytes)
                .filter(bytes -> !bytes.isEmpty());
    }

    private static CompletionStage<Step> run(NetstringSession session, List<QmtpOutput> outputs,
                                             Submitter submitter, String origin) {
        ByteString written = ByteString.emptyByteString();
        for (int i = 0; i < outputs.size(); i++) {
            QmtpOutput output = outputs.get(i);
            if (output instanceof QmtpOutput.Reply reply) {
                written = written.concat(ByteString.fromArrayUnsafe(reply.bytes()));
            } else if (output instanceof QmtpOutput.Close) {
                return CompletableFuture.completedFuture(new Step(written, true));
            } else if (output instanceof QmtpOutput.Submit submit) {
                ByteString before = written;
                List<QmtpOutput> rest = outputs.subList(i + 1, outputs.size());
                return submit(submit, submitter, origin).thenCompose(result -> {
                    List<QmtpOutput> next = new ArrayList<>(rest);
                    next.addAll(session.queued(result));
                    return run(session, next, submitter, origin)
                            .thenApply(step -> new Step(before.concat(step.bytes()), step.close()));
                });
            }
        }
        return CompletableFuture.completedFuture(new Step(written, false));
    }

    private static CompletionStage<QueueResult> submit(QmtpOutput.Submit submit, Submitter submitter, String origin) {
        return submitter.submit(submitter.newId(), true, submit.sender(), submit.recipients(),
                Body.inline(submit.message()), origin);
    }

}
