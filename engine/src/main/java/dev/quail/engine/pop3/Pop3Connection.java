package dev.quail.engine.pop3;

import dev.quail.engine.queue.MessageLog;
import dev.quail.persistence.maildir.MaildirMailbox;
import dev.quail.protocols.pop3.LoginResult;
import dev.quail.protocols.pop3.Pop3Content;
import dev.quail.protocols.pop3.Pop3Output;
import dev.quail.protocols.pop3.Pop3Session;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * The stream edge around one {@link Pop3Session}: bytes in, replies and messages out. The session is a pure state
 * machine; this class performs its outputs in order: writes replies, reads a message for RETR/TOP, logs in and
 * commits through {@link Pop3Login} and {@link MaildirMailbox} on the blocking-I/O executor, and feeds the answers
 * back. Outputs run one after the other and the next input chunk waits for them, so replies keep command order
 * and a pipelining client cannot make the server read ahead. A refused login is answered only after
 * {@code failedLoginDelay}, the same for every reason, to slow password guessing. A connection idle for
 * {@code idleTimeout} (qmail's 20 minutes) or dropped without QUIT ends with nothing removed (POP-15).
 */
final class Pop3Connection {
    /** What one output produced: bytes to write, and whether the connection ends after them. */
    private record Step(ByteString bytes, boolean close) {}

    private static final Step CLOSE = new Step(ByteString.emptyByteString(), true);

    private final Pop3Session session;
    private final Pop3Login login;
    private final String remoteIp;
    private final Executor io;
    private final Duration failedLoginDelay;
    private Pop3Login.Login opened;
    private String user = "";

    private Pop3Connection(Pop3Session session, Pop3Login login, String remoteIp, Executor io,
                           Duration failedLoginDelay) {
        this.session = session;
        this.login = login;
        this.remoteIp = remoteIp;
        this.io = io;
        this.failedLoginDelay = failedLoginDelay;
    }

    static Flow<ByteString, ByteString, NotUsed> flow(Pop3Session session, Pop3Login login, String remoteIp,
                                                     Executor io, Duration failedLoginDelay, Duration idleTimeout) {
        Pop3Connection connection = new Pop3Connection(session, login, remoteIp, io, failedLoginDelay);
        return Flow.of(ByteString.class)
                .idleTimeout(idleTimeout)
                .flatMapConcat(chunk -> {
                    byte[] bytes = chunk.toArrayUnsafe();
                    return connection.perform(session.receive(bytes, 0, bytes.length));
                })
                .prepend(Source.lazySource(() -> connection.perform(session.start())))
                .takeWhile(step -> !step.close(), true)
                .map(Step::bytes)
                .filter(bytes -> !bytes.isEmpty());
    }

    private Source<Step, NotUsed> perform(List<Pop3Output> outputs) {
        return Source.from(outputs).flatMapConcat(this::perform);
    }

    private Source<Step, NotUsed> perform(Pop3Output output) {
        if (output instanceof Pop3Output.Reply reply) {
            return Source.single(new Step(ByteString.fromString(reply.text(), StandardCharsets.ISO_8859_1), false));
        }
        if (output instanceof Pop3Output.Retrieve retrieve) {
            return Source.lazyCompletionStage(() -> CompletableFuture.supplyAsync(() -> retrieve(retrieve), io))
                    .mapMaterializedValue(m -> NotUsed.getInstance());
        }
        if (output instanceof Pop3Output.Authenticate authenticate) {
            return later(() -> authenticate(authenticate).thenApply(session::loggedIn));
        }
        if (output instanceof Pop3Output.Commit commit) {
            return later(() -> CompletableFuture.supplyAsync(() -> commit(commit), io).thenApply(session::committed));
        }
        return Source.single(CLOSE);
    }

    /** The outputs the session gives once {@code answer} completes, performed in turn. */
    private Source<Step, NotUsed> later(Supplier<CompletionStage<List<Pop3Output>>> answer) {
        return Source.lazyCompletionStageSource(() -> answer.get().thenApply(this::perform))
                .mapMaterializedValue(m -> NotUsed.getInstance());
    }

    private CompletionStage<LoginResult> authenticate(Pop3Output.Authenticate credentials) {
        user = credentials.user();
        return CompletableFuture.supplyAsync(() -> login.attempt(credentials, remoteIp), io).thenCompose(result -> {
            if (result.mailbox().isPresent()) {
                opened = result;
                return CompletableFuture.completedFuture(result.result());
            }
            return CompletableFuture.supplyAsync(result::result,
                    CompletableFuture.delayedExecutor(failedLoginDelay.toMillis(), TimeUnit.MILLISECONDS, io));
        });
    }

    private Step retrieve(Pop3Output.Retrieve retrieve) {
        MaildirMailbox.Entry entry = opened.entries().get(retrieve.index());
        try {
            byte[] message = opened.mailbox().orElseThrow().read(entry);
            return new Step(ByteString.fromArrayUnsafe(Pop3Content.response(message, retrieve.bodyLines())), false);
        } catch (IOException e) {
            return new Step(ByteString.fromString(Pop3Content.UNABLE_TO_OPEN, StandardCharsets.ISO_8859_1), false);
        }
    }

    private boolean commit(Pop3Output.Commit commit) {
        Set<Integer> gone = new HashSet<>(commit.deleted());
        List<MaildirMailbox.Entry> deleted = new ArrayList<>();
        List<MaildirMailbox.Entry> kept = new ArrayList<>();
        List<MaildirMailbox.Entry> entries = opened.entries();
        for (int i = 0; i < entries.size(); i++) (gone.contains(i) ? deleted : kept).add(entries.get(i));
        try {
            boolean allRemoved = opened.mailbox().orElseThrow().commit(deleted, kept);
            MessageLog.info("pop3 logout " + user + " from " + remoteIp + ": " + deleted.size() + " deleted, "
                    + kept.size() + " kept" + (allRemoved ? "" : ", some deletions failed"));
            return allRemoved;
        } catch (IOException e) {
            MessageLog.warning("pop3 unable to update " + opened.mailbox().orElseThrow().path() + ": "
                    + e.getMessage());
            return false;
        }
    }
}
