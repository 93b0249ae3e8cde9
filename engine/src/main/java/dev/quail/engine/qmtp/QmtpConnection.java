package dev.quail.engine.qmtp;

import dev.quail.engine.Admission;
import dev.quail.engine.SessionStage;
import dev.quail.engine.SessionStage.Step;
import dev.quail.engine.log.MessageLog;
import dev.quail.engine.smtp.IncomingBody;
import dev.quail.protocols.qmtp.NetstringSession;
import dev.quail.protocols.qmtp.QmtpOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * The stream edge around one QMTP or QMQP {@link NetstringSession}: bytes in, reply netstrings out. It carries
 * each piece of a message, and its Discard or Submit, to the {@link IncomingBody} exactly as the SMTP edge does and
 * feeds the queue's answer back, so K is written only once the message is in the journal. Its {@link SessionStage}
 * keeps answers in package order and reads nothing more while a piece is being stored or a message journaled; a
 * connection that ends in the middle of a message abandons it. About once a second the session is ticked for its
 * deadlines (idle, a package's minimum rate, the lifetime: qmail-qmtpd's one-hour alarm) or told to go when the
 * listener gave its slot away; after each input the listener learns whether the session is between packages.
 */
public final class QmtpConnection {
    private QmtpConnection() {}

    /** {@code origin} names the client in the log ("qmtp 192.0.2.7"). */
    public static Flow<ByteString, ByteString, NotUsed> flow(NetstringSession session, IncomingBody incoming,
                                                            String origin, Admission.Ticket ticket) {
        return SessionStage.flow(new Step(ByteString.emptyByteString(), false), new SessionStage.Session() {
            @Override
            public CompletionStage<Step> received(ByteString chunk) {
                ticket.activity();
                byte[] bytes = chunk.toArrayUnsafe();
                return run(session, session.receive(bytes, 0, bytes.length), incoming).thenApply(step -> {
                    ticket.waiting(session.idle());
                    return step;
                });
            }

            @Override
            public CompletionStage<Step> tick() {
                return QmtpConnection.tick(session, incoming, origin, ticket);
            }

            @Override
            public void ended() {
                incoming.abandon();
            }
        });
    }

    private static CompletionStage<Step> tick(NetstringSession session, IncomingBody incoming, String origin,
                                              Admission.Ticket ticket) {
        ticket.waiting(session.idle());
        boolean evicted = ticket.evicted();
        List<QmtpOutput> outputs = evicted ? session.evict() : session.tick(ticket.stressed());
        for (QmtpOutput o : outputs) {
            if (!evicted && o instanceof QmtpOutput.Close close) MessageLog.info(origin + " closed: " + close.reason());
        }
        return run(session, outputs, incoming);
    }

    /** Performs the outputs in order; a piece being stored or a message being queued holds back the rest. */
    private static CompletionStage<Step> run(NetstringSession session, List<QmtpOutput> outputs,
                                             IncomingBody incoming) {
        ByteString written = ByteString.emptyByteString();
        for (int i = 0; i < outputs.size(); i++) {
            QmtpOutput output = outputs.get(i);
            List<QmtpOutput> rest = outputs.subList(i + 1, outputs.size());
            CompletionStage<List<QmtpOutput>> then = null;
            if (output instanceof QmtpOutput.Reply reply) {
                written = written.concat(ByteString.fromArrayUnsafe(reply.bytes()));
            } else if (output instanceof QmtpOutput.Close) {
                return CompletableFuture.completedFuture(new Step(written, true));
            } else if (output instanceof QmtpOutput.Store store) {
                CompletableFuture<Void> stored = incoming.store(store.piece()).toCompletableFuture();
                if (!stored.isDone()) then = stored.thenApply(x -> rest);
            } else if (output instanceof QmtpOutput.Discard) {
                incoming.discard();
            } else if (output instanceof QmtpOutput.Submit submit) {
                then = incoming.submit(submit.sender(), submit.recipients()).thenApply(result -> {
                    List<QmtpOutput> next = new ArrayList<>(rest);
                    next.addAll(session.queued(result));
                    return next;
                });
            }
            if (then != null) {
                ByteString before = written;
                return then.thenCompose(next -> run(session, next, incoming))
                        .thenApply(step -> new Step(before.concat(step.bytes()), step.close()));
            }
        }
        return CompletableFuture.completedFuture(new Step(written, false));
    }
}
