package dev.quail.engine.pop3;

import dev.quail.engine.Admission;
import dev.quail.engine.TcpListener;
import dev.quail.engine.log.MessageLog;
import dev.quail.engine.tls.TlsCodec;
import dev.quail.persistence.maildir.MaildirMailbox;
import dev.quail.protocols.pop3.LoginResult;
import dev.quail.protocols.pop3.Pop3Content;
import dev.quail.protocols.pop3.Pop3Output;
import dev.quail.protocols.pop3.Pop3Session;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamConverters;
import org.apache.pekko.util.ByteString;

/**
 * The stream edge around one {@link Pop3Session}: bytes in, replies and messages out. The session is a pure state
 * machine; this class performs its outputs in order: writes replies, reads a message for RETR/TOP, logs in and
 * commits through {@link Pop3Login} and {@link MaildirMailbox} on the blocking-I/O executor, and feeds the answers
 * back. Outputs run one after the other and the next input chunk waits for them, so replies keep command order
 * and a pipelining client cannot make the server read ahead. A refused login is answered only after
 * {@code failedLoginDelay}, the same for every reason, to slow password guessing. About once a second the session is
 * ticked for its deadlines (timeoutpop3d, qmail's 20 minutes, idle and per command line; lifetimesmtpd; shorter
 * under stress) or told to go when the listener gave its slot away. A connection that ends so, or is dropped
 * without QUIT, ends with nothing removed (POP-15).
 *
 * <p>TLS: the connection owns a {@link TlsCodec} from the first byte (pop3s, implicit TLS, RFC 8314: the greeting
 * is held until the handshake is done) or from the session's StartTls (STLS, RFC 2595): "+OK begin TLS
 * negotiation" goes out in clear, and every byte received after it goes through TLS. Bytes received in clear
 * together with STLS never reach TLS or the session (the session drops them), so a command injected before the
 * handshake is never answered. Every write is encoded as it is produced, in output order; the next input chunk is
 * decoded only after the outputs of the previous one are done, so the switch falls exactly after the STLS reply.
 * A failed handshake, or TLS's close_notify, ends the connection; a Close under TLS sends close_notify first. The
 * handshake and its failures are logged ({@code pop3 IP tls TLSv1.3 CIPHER}, {@code pop3 IP tls failed: REASON}).
 */
final class Pop3Connection {
    /** What one output produced: bytes to write, and whether the connection ends after them. */
    private record Step(ByteString bytes, boolean close) {}

    private static final Step NOTHING = new Step(ByteString.emptyByteString(), false);
    private static final Step CLOSE = new Step(ByteString.emptyByteString(), true);

    private final Pop3Session session;
    private final Pop3Login login;
    private final InetAddress client;
    private final String remoteIp;
    private final Executor io;
    private final Duration failedLoginDelay;
    private final Supplier<SSLEngine> engines;
    private final Admission.Ticket ticket;
    private Optional<TlsCodec> tls = Optional.empty();
    private Pop3Login.Login opened;
    private String user = "";

    private Pop3Connection(Pop3Session session, Pop3Login login, InetAddress client, Executor io,
                           Duration failedLoginDelay, Supplier<SSLEngine> engines, Admission.Ticket ticket) {
        this.session = session;
        this.login = login;
        this.client = client;
        this.remoteIp = client.getHostAddress();
        this.io = io;
        this.failedLoginDelay = failedLoginDelay;
        this.engines = engines;
        this.ticket = ticket;
    }

    /**
     * @param engines     server TLS engines, for STLS and implicit TLS
     * @param implicitTls the connection is TLS from its first byte (pop3s)
     * @param ticket      the connection's slot in its listener: stress, eviction, and what the session is doing
     */
    static Flow<ByteString, ByteString, NotUsed> flow(Pop3Session session, Pop3Login login, InetAddress client,
                                                     Executor io, Duration failedLoginDelay,
                                                     Supplier<SSLEngine> engines, boolean implicitTls,
                                                     Admission.Ticket ticket) {
        Pop3Connection connection = new Pop3Connection(session, login, client, io, failedLoginDelay, engines,
                ticket);
        return TcpListener.ticking()
                .flatMapConcat(input -> input.isPresent() ? connection.received(input.get()) : connection.tick())
                .prepend(Source.lazySource(() -> connection.start(implicitTls)))
                .takeWhile(step -> !step.close(), true)
                .map(Step::bytes)
                .filter(bytes -> !bytes.isEmpty());
    }

    /** The greeting; under implicit TLS the codec holds it until the handshake is done. */
    private Source<Step, NotUsed> start(boolean implicitTls) {
        if (implicitTls && !startTls()) return Source.single(CLOSE);
        return perform(session.start());
    }

    /** Deadlines, and the listener's eviction; the listener also learns whether the session waits for a command. */
    private Source<Step, NotUsed> tick() {
        ticket.waiting(session.idle());
        if (ticket.evicted()) return perform(session.evict());
        List<Pop3Output> outputs = session.tick(ticket.stressed());
        if (!outputs.isEmpty() && outputs.get(0) instanceof Pop3Output.Reply why) {
            MessageLog.info("pop3 " + remoteIp + " closed: " + why.text().strip());
        }
        return perform(outputs);
    }

    private Source<Step, NotUsed> received(ByteString chunk) {
        ticket.activity();
        if (tls.isEmpty()) {
            byte[] bytes = chunk.toArrayUnsafe();
            return perform(session.receive(bytes, 0, bytes.length));
        }
        TlsCodec codec = tls.get();
        TlsCodec.Received r;
        try {
            r = codec.receive(chunk);
        } catch (SSLException e) {
            MessageLog.info("pop3 " + remoteIp + " tls failed: " + e.getMessage());
            return Source.single(CLOSE);
        }
        if (r.handshakeFinished()) {
            MessageLog.info("pop3 " + remoteIp + " tls " + codec.description());
            if (session.awaitingTls()) session.tlsStarted();
        }
        Source<Step, NotUsed> handshake = Source.single(new Step(r.toSend(), r.closed()));
        if (r.closed()) return handshake;
        byte[] plaintext = r.plaintext().toArrayUnsafe();
        return handshake.concat(perform(session.receive(plaintext, 0, plaintext.length)));
    }

    private Source<Step, NotUsed> perform(List<Pop3Output> outputs) {
        return Source.from(outputs).flatMapConcat(this::perform);
    }

    private Source<Step, NotUsed> perform(Pop3Output output) {
        if (output instanceof Pop3Output.Reply reply) {
            return Source.single(wire(ByteString.fromString(reply.text(), StandardCharsets.ISO_8859_1)));
        }
        if (output instanceof Pop3Output.Retrieve retrieve) {
            return retrieve(retrieve).map(this::wire);
        }
        if (output instanceof Pop3Output.Authenticate authenticate) {
            return later(() -> authenticate(authenticate).thenApply(session::loggedIn));
        }
        if (output instanceof Pop3Output.Commit commit) {
            return later(() -> CompletableFuture.supplyAsync(() -> commit(commit), io).thenApply(session::committed));
        }
        if (output instanceof Pop3Output.StartTls) {
            return Source.single(startTls() ? NOTHING : CLOSE);
        }
        return Source.single(close());
    }

    /** From now on every byte goes through TLS; false when no engine could be had. */
    private boolean startTls() {
        try {
            tls = Optional.of(TlsCodec.server(engines.get()));
            return true;
        } catch (SSLException | RuntimeException e) {
            MessageLog.warning("pop3 " + remoteIp + " tls unavailable: " + e.getMessage());
            return false;
        }
    }

    /** Plaintext as it goes on the wire: in clear, or through TLS (a failure there ends the connection). */
    private Step wire(ByteString plaintext) {
        if (tls.isEmpty()) return new Step(plaintext, false);
        try {
            return new Step(tls.get().send(plaintext), false);
        } catch (SSLException e) {
            MessageLog.info("pop3 " + remoteIp + " tls failed: " + e.getMessage());
            return CLOSE;
        }
    }

    /** The end of the connection, with TLS's close_notify when TLS is on. */
    private Step close() {
        return new Step(tls.filter(TlsCodec::handshakeDone).map(TlsCodec::close)
                .orElse(ByteString.emptyByteString()), true);
    }

    /** The outputs the session gives once {@code answer} completes, performed in turn. */
    private Source<Step, NotUsed> later(Supplier<CompletionStage<List<Pop3Output>>> answer) {
        return Source.lazyCompletionStageSource(() -> answer.get().thenApply(this::perform))
                .mapMaterializedValue(m -> NotUsed.getInstance());
    }

    private CompletionStage<LoginResult> authenticate(Pop3Output.Authenticate credentials) {
        user = credentials.user();
        return login.attempt(credentials, client).thenCompose(result -> {
            if (result.mailbox().isPresent()) {
                opened = result;
                return CompletableFuture.completedFuture(result.result());
            }
            return CompletableFuture.supplyAsync(result::result,
                    CompletableFuture.delayedExecutor(failedLoginDelay.toMillis(), TimeUnit.MILLISECONDS, io));
        });
    }

    /**
     * RETR or TOP: "+OK ", the message encoded as it is read, a piece at a time on the blocking-I/O dispatcher and
     * no faster than the client takes it, then the final dot; TOP stops reading once its lines are out. A message
     * that cannot be opened is "-ERR unable to open that message"; one that cannot be read to its end ends the
     * connection (its answer has no end to give).
     */
    private Source<ByteString, NotUsed> retrieve(Pop3Output.Retrieve retrieve) {
        return Source.lazyCompletionStageSource(() -> CompletableFuture.supplyAsync(() -> {
            try {
                return content(opened.open(retrieve.index()), retrieve.bodyLines());
            } catch (IOException e) {
                return Source.single(ByteString.fromString(Pop3Content.UNABLE_TO_OPEN, StandardCharsets.ISO_8859_1));
            }
        }, io)).mapMaterializedValue(m -> NotUsed.getInstance());
    }

    /** "+OK ", the pieces, then (an empty element marking the end, where finish() is known to come last) the dot. */
    private static Source<ByteString, NotUsed> content(InputStream message, long bodyLines) {
        Pop3Content.Encoder encoder = Pop3Content.encoder(bodyLines);
        Source<Optional<ByteString>, NotUsed> pieces = StreamConverters.fromInputStream(() -> message, Pop3Content.PIECE)
                .map(piece -> Optional.of(ByteString.fromArrayUnsafe(
                        encoder.encode(piece.toArrayUnsafe(), 0, piece.length()))))
                .takeWhile(piece -> !encoder.done(), true)
                .mapMaterializedValue(m -> NotUsed.getInstance());
        return Source.single(Optional.of(ByteString.fromArrayUnsafe(encoder.start())))
                .concat(pieces)
                .concat(Source.single(Optional.empty()))
                .map(piece -> piece.orElseGet(() -> ByteString.fromArrayUnsafe(encoder.finish())));
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
