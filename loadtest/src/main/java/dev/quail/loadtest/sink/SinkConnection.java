/*
 * SinkConnection: the stream edge around one SmtpSession in the sink, the same shape as the engine's
 * SMTP edge: bytes in, replies out, mapAsync(1) so replies keep command order and nothing more is read
 * while a message is being "queued". Queueing here is counting: each Submit adds one message, its
 * recipients and its octets to the SinkCounters, then (after --delay) answers 250 with a sink id.
 * Replies pass through RecipientRules' rewrite; STAT as the first line is answered by StatProbe.
 */
package dev.quail.loadtest.sink;

import dev.quail.protocols.smtp.QueueResult;
import dev.quail.protocols.smtp.SmtpOutput;
import dev.quail.protocols.smtp.SmtpSession;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

final class SinkConnection {

    /** Bytes to write, and whether the connection ends after them. */
    private record Step(ByteString bytes, boolean close) {}

    private static final AtomicLong IDS = new AtomicLong();

    private final SmtpSession session;
    private final RecipientRules.Verdicts verdicts;
    private final SinkCounters counters;
    private final Duration delay;
    private final StatProbe probe = new StatProbe();
    /** Octets of the message being received, counted as its pieces go by. */
    private int octets;

    private SinkConnection(SmtpSession session, RecipientRules.Verdicts verdicts, SinkCounters counters,
                           Duration delay) {
        this.session = session;
        this.verdicts = verdicts;
        this.counters = counters;
        this.delay = delay;
    }

    static Flow<ByteString, ByteString, NotUsed> flow(SmtpSession session, RecipientRules.Verdicts verdicts,
                                                      SinkCounters counters, Duration delay, Duration idleTimeout) {
        SinkConnection connection = new SinkConnection(session, verdicts, counters, delay);
        Step greeting = connection.render(session.start());
        return Flow.of(ByteString.class)
                .idleTimeout(idleTimeout)
                .mapAsync(1, connection::receive)
                .recover(TimeoutException.class, () -> connection.render(session.timeout()))
                .prepend(Source.single(greeting))
                .takeWhile(step -> !step.close(), true)
                .map(Step::bytes)
                .filter(bytes -> !bytes.isEmpty());
    }

    private CompletionStage<Step> receive(ByteString chunk) {
        byte[] input = probe.feed(chunk.toArray());
        if (probe.stat()) {
            return done(ascii("211 " + counters.counts().statLine() + "\r\n"), true);
        }
        if (input.length == 0) {
            return done(ByteString.emptyByteString(), false);
        }
        return run(session.receive(input, 0, input.length));
    }

    /** Writes the replies and answers the Submits in order, feeding each answer back to the session. */
    private CompletionStage<Step> run(List<SmtpOutput> outputs) {
        StringBuilder replies = new StringBuilder();
        for (int i = 0; i < outputs.size(); i++) {
            SmtpOutput output = outputs.get(i);
            if (output instanceof SmtpOutput.Reply reply) {
                replies.append(verdicts.rewrite(reply.text()));
            } else if (output instanceof SmtpOutput.Close) {
                return done(ascii(replies), true);
            } else if (output instanceof SmtpOutput.Store piece) {
                octets += piece.piece().length;
            } else if (output instanceof SmtpOutput.Discard) {
                octets = 0;
            } else if (output instanceof SmtpOutput.Submit submit) {
                counters.received(submit.recipients().size(), octets);
                octets = 0;
                ByteString before = ascii(replies);
                List<SmtpOutput> rest = outputs.subList(i + 1, outputs.size());
                return answerLater().thenCompose(ignored -> {
                    List<SmtpOutput> next = new ArrayList<>(rest);
                    next.addAll(session.queued(new QueueResult.Queued("sink" + IDS.incrementAndGet())));
                    return run(next).thenApply(step -> new Step(before.concat(step.bytes()), step.close()));
                });
            }
        }
        return done(ascii(replies), false);
    }

    private CompletionStage<Void> answerLater() {
        if (delay.isZero()) {
            return CompletableFuture.completedFuture(null);
        }
        Executor later = CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS);
        return CompletableFuture.runAsync(() -> { }, later);
    }

    private Step render(List<SmtpOutput> outputs) {
        StringBuilder replies = new StringBuilder();
        boolean close = false;
        for (SmtpOutput output : outputs) {
            if (output instanceof SmtpOutput.Reply reply) {
                replies.append(reply.text());
            } else if (output instanceof SmtpOutput.Close) {
                close = true;
            }
        }
        return new Step(ascii(replies), close);
    }

    private static CompletionStage<Step> done(ByteString bytes, boolean close) {
        return CompletableFuture.completedFuture(new Step(bytes, close));
    }

    private static ByteString ascii(CharSequence text) {
        return ByteString.fromString(text.toString(), StandardCharsets.ISO_8859_1);
    }
}
