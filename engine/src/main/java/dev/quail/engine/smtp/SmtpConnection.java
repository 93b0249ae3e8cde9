package dev.quail.engine.smtp;

import dev.quail.engine.Admission;
import dev.quail.engine.SessionStage;
import dev.quail.engine.SessionStage.Step;
import dev.quail.engine.log.MessageLog;
import dev.quail.engine.tls.TlsCodec;
import dev.quail.protocols.smtp.AuthResult;
import dev.quail.protocols.smtp.SmtpOutput;
import dev.quail.protocols.smtp.SmtpSession;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * The stream edge around one {@link SmtpSession}: bytes in, the session's replies out. The session is a pure state
 * machine; this class only frames its outputs, carries each piece of a message, and its Discard or Submit, to the
 * {@link IncomingBody} (body store, then Queue) and each Authenticate to the {@link SmtpAuthenticator}, feeds their
 * answers back, and ends the stream on Close. Its {@link SessionStage} keeps replies in command order and applies
 * back-pressure: while a piece is being stored, a message journaled or a password checked, nothing more is read
 * from the client. A connection that ends in the middle of a message abandons it (its stored chunks are deleted).
 * About once a second the session is ticked for its deadlines (slow or silent clients, lifetime; shorter while
 * the listener is under stress), or told to go when the listener gave its slot to a newcomer; after each input the
 * listener learns whether the session waits for a command, which makes it a candidate for eviction.
 *
 * <p>TLS: the connection owns a {@link TlsCodec} from the first byte (implicit TLS, RFC 8314) or from the
 * session's StartTls (RFC 3207): the 220 goes out in clear, and every byte received after it goes through TLS.
 * Bytes received in clear together with STARTTLS never reach TLS or the session (the session drops them), so a
 * command injected before the handshake is never answered. A failed handshake, or TLS's close_notify, ends the
 * connection; a Close under TLS sends close_notify first. The handshake and its failures are logged
 * ({@code smtp IP tls TLSv1.3 CIPHER}, {@code smtp IP tls failed: REASON}).
 */
public final class SmtpConnection implements SessionStage.Session {

    private final SmtpSession session;
    private final IncomingBody incoming;
    private final String origin;
    private final InetAddress client;
    private final SmtpAuthenticator authenticator;
    private final Supplier<SSLEngine> engines;
    private final Admission.Ticket ticket;
    private Optional<TlsCodec> tls = Optional.empty();
    private boolean broken;

    private SmtpConnection(SmtpSession session, IncomingBody incoming, String origin, InetAddress client,
                           SmtpAuthenticator authenticator, Supplier<SSLEngine> engines, Admission.Ticket ticket) {
        this.session = session;
        this.incoming = incoming;
        this.origin = origin;
        this.client = client;
        this.authenticator = authenticator;
        this.engines = engines;
        this.ticket = ticket;
    }

    /**
     * @param engines     server TLS engines, for STARTTLS and implicit TLS
     * @param implicitTls the connection is TLS from its first byte (smtps)
     * @param ticket      the connection's slot in its listener: stress, eviction, and what the session is doing
     */
    public static Flow<ByteString, ByteString, NotUsed> flow(
            SmtpSession session, IncomingBody incoming, String origin, InetAddress client,
            SmtpAuthenticator authenticator, Supplier<SSLEngine> engines, boolean implicitTls,
            Admission.Ticket ticket) {
        SmtpConnection c = new SmtpConnection(session, incoming, origin, client, authenticator, engines, ticket);
        return SessionStage.flow(c.start(implicitTls), c);
    }

    /** The greeting; under implicit TLS it is held by the codec until the handshake is done. */
    private Step start(boolean implicitTls) {
        if (implicitTls && !startTls()) return new Step(ByteString.emptyByteString(), true);
        ByteString bytes = encode(replies(session.start()));
        return new Step(bytes, broken);
    }

    /** The client's bytes; afterwards the listener learns whether the session waits for its next command. */
    @Override
    public CompletionStage<Step> received(ByteString chunk) {
        ticket.activity();
        return decoded(chunk).thenApply(step -> {
            ticket.waiting(session.idle());
            return step;
        });
    }

    /** Deadlines, and the listener's eviction: a Close they bring is logged with its reason. */
    @Override
    public CompletionStage<Step> tick() {
        ticket.waiting(session.idle());
        boolean evicted = ticket.evicted();
        List<SmtpOutput> outputs = evicted ? session.evict() : session.tick(ticket.stressed());
        if (!evicted && !outputs.isEmpty()) MessageLog.info(origin + " closed: " + replies(outputs).strip());
        return run(outputs, ByteString.emptyByteString());
    }

    private CompletionStage<Step> decoded(ByteString chunk) {
        if (tls.isEmpty()) {
            byte[] bytes = chunk.toArrayUnsafe();
            return run(session.receive(bytes, 0, bytes.length), ByteString.emptyByteString());
        }
        TlsCodec codec = tls.get();
        TlsCodec.Received r;
        try {
            r = codec.receive(chunk);
        } catch (SSLException e) {
            MessageLog.info(origin + " tls failed: " + e.getMessage());
            return done(new Step(ByteString.emptyByteString(), true));
        }
        if (r.handshakeFinished()) {
            MessageLog.info(origin + " tls " + codec.description());
            if (session.awaitingTls()) session.tlsStarted();
        }
        if (r.closed()) return done(new Step(r.toSend(), true));
        byte[] plaintext = r.plaintext().toArrayUnsafe();
        return run(session.receive(plaintext, 0, plaintext.length), r.toSend());
    }

    /** A connection that ends in the middle of a message abandons it. */
    @Override
    public void ended() {
        incoming.abandon();
    }

    /** Performs the outputs in order, after {@code written}; Submits and Authenticates wait for their answers. */
    private CompletionStage<Step> run(List<SmtpOutput> outputs, ByteString written) {
        ByteString out = written;
        for (int i = 0; i < outputs.size(); i++) {
            SmtpOutput output = outputs.get(i);
            List<SmtpOutput> rest = outputs.subList(i + 1, outputs.size());
            ByteString before = out;
            if (output instanceof SmtpOutput.Reply reply) {
                out = out.concat(encode(reply.text()));
            } else if (output instanceof SmtpOutput.Close) {
                return done(close(out));
            } else if (output instanceof SmtpOutput.StartTls) {
                if (!startTls()) return done(new Step(out, true));
            } else if (output instanceof SmtpOutput.Store store) {
                CompletableFuture<Void> stored = incoming.store(store.piece()).toCompletableFuture();
                if (!stored.isDone()) return stored.thenCompose(x -> run(rest, before));
            } else if (output instanceof SmtpOutput.Discard) {
                incoming.discard();
            } else if (output instanceof SmtpOutput.Submit submit) {
                return incoming.submit(submit.sender(), submit.recipients())
                        .thenCompose(result -> run(then(rest, session.queued(result)), before));
            } else if (output instanceof SmtpOutput.Authenticate auth) {
                return authenticator.check(client, auth.user(), auth.password())
                        .exceptionally(e -> AuthResult.UNAVAILABLE)
                        .thenCompose(result -> run(then(rest, session.authenticated(result)), before));
            }
            if (broken) return done(new Step(out, true));
        }
        return done(new Step(out, false));
    }

    /** From now on every byte goes through TLS; false when no engine could be had. */
    private boolean startTls() {
        try {
            tls = Optional.of(TlsCodec.server(engines.get()));
            return true;
        } catch (SSLException | RuntimeException e) {
            MessageLog.warning(origin + " tls unavailable: " + e.getMessage());
            return false;
        }
    }

    /** The last bytes, and TLS's close_notify after them when TLS is on. */
    private Step close(ByteString out) {
        ByteString last = tls.filter(TlsCodec::handshakeDone).map(TlsCodec::close).orElse(ByteString.emptyByteString());
        return new Step(out.concat(last), true);
    }

    /** Plaintext as it goes on the wire: in clear, or through TLS. */
    private ByteString encode(String text) {
        ByteString plain = ByteString.fromString(text, StandardCharsets.ISO_8859_1);
        if (tls.isEmpty()) return plain;
        try {
            return tls.get().send(plain);
        } catch (SSLException e) {
            MessageLog.info(origin + " tls failed: " + e.getMessage());
            broken = true;
            return ByteString.emptyByteString();
        }
    }

    private static String replies(List<SmtpOutput> outputs) {
        StringBuilder b = new StringBuilder();
        for (SmtpOutput o : outputs) {
            if (o instanceof SmtpOutput.Reply r) b.append(r.text());
        }
        return b.toString();
    }

    private static List<SmtpOutput> then(List<SmtpOutput> first, List<SmtpOutput> second) {
        List<SmtpOutput> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    private static CompletionStage<Step> done(Step step) {
        return CompletableFuture.completedFuture(step);
    }
}
