package dev.quail.engine.remote;

import dev.quail.engine.log.MessageLog;
import dev.quail.engine.tls.ClientTls;
import dev.quail.engine.tls.TlsCodec;
import dev.quail.protocols.smtpclient.ClientOutput;
import dev.quail.protocols.smtpclient.ClientSession;
import dev.quail.protocols.smtpclient.TlsPolicy;
import dev.quail.persistence.body.BodyStore;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * One SMTP connection (qmail-remote's connect and dialogue, REM-10..14): Pekko Streams TCP around a pure
 * {@link ClientSession}. It starts with the transaction it was opened for and tries the destination's
 * addresses in order (REM-10): an address the downed-host table says is down is skipped; a connect that
 * times out (control/timeoutconnect) is recorded there, any other outcome clears the address; the first
 * address that answers is used whatever happens next. When none does, the Host hears {@link
 * Host.Unreachable} with qmail's #4.4.1 text. Connected, it reports each finished transaction ({@link
 * Host.Done}) and each time it can take another ({@link Host.Ready}); the Host sends {@link Run} or
 * {@link Quit}. A silence of control/timeoutremote in both directions, an EOF or a socket error ends it,
 * settling a transaction in hand as "connection died" (REM-14), except that a peer closing a connection that has
 * carried mail, before the end of data of what it was given, is only saying it takes no more on this connection
 * (Yahoo's way): the Host hears {@link Host.Closed} and runs it again elsewhere. It stops when the socket is closed; the
 * Host watches it. Nothing is read faster than the session takes it: one pull at a time.
 *
 * <p>The message is never held whole: when the session asks for it (SendBody), {@link OutgoingBody} reads it
 * from the {@link BodyStore} a chunk at a time on Pekko's blocking-I/O dispatcher and encodes it, and the next
 * chunk is read only while fewer than {@link #WATERMARK} bytes wait to be taken by the socket; the stream
 * tells this actor what the socket took (Drained). The session writes nothing else while the body is on its
 * way (a Quit waits for the transaction's end, a Run is only taken when the connection is Ready), so nothing
 * can come between the body's bytes.
 *
 * <p>No transaction lasts longer than control/timeouttransaction, however slowly the server answers or reads:
 * the deadline runs from the connect (greeting, EHLO and STARTTLS included) or from the Run on a reused
 * connection to the final reply. When it passes, the transaction is deferred ("took more than N seconds",
 * "Possible duplicate!" when the dot was sent) and the connection dropped at once, which gives the Host its
 * slot back.
 *
 * <p>STARTTLS (RFC 3207) as the destination's {@link TlsPolicy} says: when the session asks for it, every byte
 * from then on goes through a client {@link TlsCodec} ({@link ClientTls}: the peer's certificate is not
 * checked); the handshake is logged ({@code remote tls IP TLSv1.3 CIPHER}), a failed one defers what was to be
 * sent, and a connection closing under TLS sends close_notify first.
 */
final class Connection {
    sealed interface Command {}

    record Run(Batch batch) implements Command {}

    enum Quit implements Command { INSTANCE }

    private record Attempted(int index, Optional<Throwable> failure) implements Command {}

    private record Received(ByteString bytes) implements Command {}

    private enum Ended implements Command { INSTANCE }

    private enum CloseTimeout implements Command { INSTANCE }

    private enum Deadline implements Command { INSTANCE }

    /** A piece of the body has been read, or could not be. */
    private record BodyRead(Optional<OutgoingBody.Piece> piece, Throwable failure) implements Command {}

    /** The socket took this many bytes of what was offered to it. */
    private record Drained(int bytes) implements Command {}

    /**
     * What the dialogue reads from control/, once per connection, and the destination's TLS policy:
     * control/helohost, timeoutconnect, timeoutremote (a silence), timeouttransaction (a transaction's deadline).
     */
    record Settings(String helo, Duration connectTimeout, Duration idleTimeout, Duration transactionTimeout,
                    TlsPolicy tls, Stamp stamp) {}

    static final String UNREACHABLE = "Sorry, I wasn't able to establish an SMTP connection. (#4.4.1)";
    /** How long a closing connection may take to say goodbye before the socket is dropped. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(10);
    /** Writes waiting in the stream: at most a command group, a few body pieces and a QUIT are ever queued. */
    private static final int WRITE_BUFFER = 64;
    /** Bytes offered to the socket and not yet taken by it below which the next piece of a body is read. */
    static final int WATERMARK = 256 * 1024;

    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final ActorRef<Host.Command> host;
    private final List<InetAddress> addresses;
    private final int port;
    private final Settings settings;
    private final DownedHosts downed;
    private final BodyStore bodies;
    private final Executor io;
    private final Materializer materializer;
    private Batch current;
    private OutgoingBody body;
    private boolean reading;
    private long queued;
    private boolean quitAsked;
    private BoundedSourceQueue<ByteString> out;
    private SinkQueueWithCancel<ByteString> in;
    private ClientSession session;
    private InetAddress peer;
    private TlsCodec tls;
    private boolean closing;
    /** Transactions finished on this connection. */
    private int finished;
    /** Whether the transaction in hand has sent its end of data. */
    private boolean dotSent;

    static Behavior<Command> create(ActorRef<Host.Command> host, List<InetAddress> addresses, int port,
                                    Batch first, Settings settings, DownedHosts downed, BodyStore bodies) {
        first.transaction(); // a batch that cannot be a transaction fails its Host here, as before any connection
        return Behaviors.setup(context -> Behaviors.withTimers(timers ->
                new Connection(context, timers, host, addresses, port, first, settings, downed, bodies).tryFrom(0)));
    }

    private Connection(ActorContext<Command> context, TimerScheduler<Command> timers, ActorRef<Host.Command> host,
                       List<InetAddress> addresses, int port, Batch first, Settings settings,
                       DownedHosts downed, BodyStore bodies) {
        this.context = context;
        this.timers = timers;
        this.host = host;
        this.addresses = List.copyOf(addresses);
        this.port = port;
        this.current = first;
        this.settings = settings;
        this.downed = downed;
        this.bodies = bodies;
        this.io = context.getSystem().dispatchers().lookup(DispatcherSelector.blocking());
        // Bound to this actor: when it stops, whatever is left of the socket goes with it.
        this.materializer = Materializer.createMaterializer(context);
    }

    private Behavior<Command> tryFrom(int start) {
        int i = start;
        while (i < addresses.size() && downed.isDown(addresses.get(i))) i++;
        if (i == addresses.size()) {
            host.tell(new Host.Unreachable(context.getSelf(), UNREACHABLE));
            return Behaviors.stopped();
        }
        var tcp = Tcp.get(context.getSystem()).outgoingConnection(new InetSocketAddress(addresses.get(i), port),
                Optional.empty(), List.of(), false, Optional.of(settings.connectTimeout()),
                Optional.of(settings.idleTimeout()));
        ActorRef<Command> self = context.getSelf();
        Pair<Pair<BoundedSourceQueue<ByteString>, CompletionStage<Tcp.OutgoingConnection>>,
                SinkQueueWithCancel<ByteString>> streams = Source.<ByteString>queue(WRITE_BUFFER)
                .map(bytes -> {
                    // the socket pulls the next write only when it has taken the last one
                    self.tell(new Drained(bytes.size()));
                    return bytes;
                })
                .viaMat(tcp, Keep.both()).toMat(Sink.queue(), Keep.both()).run(materializer);
        out = streams.first().first();
        in = streams.second();
        int index = i;
        context.pipeToSelf(streams.first().second(),
                (connected, failure) -> new Attempted(index, Optional.ofNullable(failure)));
        return receive();
    }

    private Behavior<Command> receive() {
        return Behaviors.receive(Command.class)
                .onMessage(Attempted.class, this::onAttempted)
                .onMessage(Received.class, this::onReceived)
                .onMessage(Ended.class, e -> onEnded())
                .onMessage(Run.class, this::onRun)
                .onMessage(Quit.class, q -> onQuit())
                .onMessage(BodyRead.class, this::onBodyRead)
                .onMessage(Drained.class, this::onDrained)
                .onMessage(Deadline.class, d -> onDeadline())
                .onMessage(CloseTimeout.class, t -> {
                    in.cancel();
                    return Behaviors.stopped();
                })
                .onSignal(PostStop.class, stop -> {
                    if (body != null) body.cancel();
                    return Behaviors.same();
                })
                .build();
    }

    private Behavior<Command> onAttempted(Attempted a) {
        InetAddress ip = addresses.get(a.index());
        if (a.failure().isPresent()) {
            if (connectTimedOut(a.failure().get())) downed.timedOut(ip);
            else downed.reachable(ip);
            return tryFrom(a.index() + 1);
        }
        downed.reachable(ip);
        peer = ip;
        session = new ClientSession(settings.helo(), ip.getHostAddress(), settings.tls());
        timers.startSingleTimer(Deadline.INSTANCE, settings.transactionTimeout());
        apply(session.send(current.transaction()));
        pull();
        return Behaviors.same();
    }

    private Behavior<Command> onReceived(Received r) {
        ByteString bytes = r.bytes();
        if (tls != null) {
            TlsCodec.Received decoded;
            try {
                decoded = tls.receive(bytes);
            } catch (SSLException e) {
                apply(session.tlsFailed(String.valueOf(e.getMessage())));
                return Behaviors.same();
            }
            offer(decoded.toSend());
            if (decoded.handshakeFinished()) {
                MessageLog.info("remote tls " + peer.getHostAddress() + " " + tls.description());
                apply(session.tlsStarted());
            }
            if (decoded.closed()) return onEnded();
            bytes = decoded.plaintext();
        }
        byte[] plaintext = bytes.toArray();
        apply(session.receive(plaintext, 0, plaintext.length));
        pull();
        return Behaviors.same();
    }

    /**
     * The peer closed the connection. After it carried mail, and with nothing past its end of data, that is the
     * peer's limit on messages per connection, not a failure: the Host runs what it gave this connection again.
     */
    private Behavior<Command> onEnded() {
        if (finished > 0 && !dotSent) {
            host.tell(new Host.Closed(context.getSelf(), peer, finished));
        } else if (session != null) {
            apply(session.closed());
        }
        return Behaviors.stopped();
    }

    private Behavior<Command> onRun(Run run) {
        // A connection that is going away ignores it: the Host settles what it sent when this actor stops.
        if (session == null || !session.canSend()) return Behaviors.same();
        current = run.batch();
        dotSent = false;
        timers.startSingleTimer(Deadline.INSTANCE, settings.transactionTimeout());
        apply(session.send(current.transaction()));
        return Behaviors.same();
    }

    /** The session QUITs at once when idle, else after the transaction in hand, whose deadline bounds the wait. */
    private Behavior<Command> onQuit() {
        quitAsked = true;
        if (session != null) apply(session.quit());
        if (!timers.isTimerActive(Deadline.INSTANCE)) timers.startSingleTimer(CloseTimeout.INSTANCE, CLOSE_GRACE);
        return Behaviors.same();
    }

    private Behavior<Command> onDeadline() {
        if (session != null) apply(session.deadline(settings.transactionTimeout().toSeconds()));
        in.cancel();
        return Behaviors.stopped();
    }

    private void sendBody() {
        body = OutgoingBody.smtp(current.body(), bodies, io, settings.stamp(), current.sender(),
                current.targets().stream().map(RemoteJob.Target::address).toList());
        readMore();
    }

    private void readMore() {
        if (body == null || reading || queued >= WATERMARK) return;
        reading = true;
        context.pipeToSelf(body.next(), BodyRead::new);
    }

    private Behavior<Command> onBodyRead(BodyRead r) {
        reading = false;
        if (body == null) return Behaviors.same(); // the connection ended meanwhile
        if (r.failure() != null) {
            body = null;
            MessageLog.warning("unable to read the body of " + current.messageId() + " for " + peer.getHostAddress()
                    + ": " + MessageLog.safe(reason(r.failure())));
            apply(session.bodyFailed());
            return Behaviors.same();
        }
        OutgoingBody.Piece piece = r.piece().orElseThrow(); // pieces are asked for only until the last
        write(ByteString.fromArrayUnsafe(piece.bytes()));
        if (piece.last()) {
            // before any reply to it can be read: the session takes only replies that follow the end of data
            body = null;
            dotSent = true;
            apply(session.bodySent());
        } else {
            readMore();
        }
        return Behaviors.same();
    }

    private Behavior<Command> onDrained(Drained d) {
        queued -= d.bytes();
        readMore();
        return Behaviors.same();
    }

    private void apply(List<ClientOutput> outputs) {
        for (ClientOutput o : outputs) {
            if (o instanceof ClientOutput.Write w) {
                write(ByteString.fromArrayUnsafe(w.bytes()));
            } else if (o instanceof ClientOutput.SendBody) {
                sendBody();
            } else if (o instanceof ClientOutput.StartTls) {
                startTls();
            } else if (o instanceof ClientOutput.Finished f) {
                timers.cancel(Deadline.INSTANCE);
                if (quitAsked) timers.startSingleTimer(CloseTimeout.INSTANCE, CLOSE_GRACE);
                finished++;
                dotSent = false;
                host.tell(new Host.Done(context.getSelf(), peer, f.result()));
            } else if (o instanceof ClientOutput.Ready) {
                host.tell(new Host.Ready(context.getSelf()));
            } else {
                close();
            }
        }
    }

    private void write(ByteString plaintext) {
        if (tls == null) {
            offer(plaintext);
            return;
        }
        try {
            offer(tls.send(plaintext));
        } catch (SSLException e) {
            apply(session.tlsFailed(String.valueOf(e.getMessage())));
        }
    }

    private void startTls() {
        try {
            tls = TlsCodec.client(ClientTls.newEngine(peer.getHostAddress(), port));
            offer(tls.start());
        } catch (SSLException e) {
            apply(session.tlsFailed(String.valueOf(e.getMessage())));
        }
    }

    /** Network bytes to the socket, as they are. */
    private void offer(ByteString bytes) {
        if (closing || bytes.isEmpty()) return;
        if (out.offer(bytes).isEnqueued()) queued += bytes.size();
        else close();
    }

    /** Ends the write side; the read side then ends with the socket (halfClose off), or at the grace's end. */
    private void close() {
        if (closing) return;
        closing = true;
        if (body != null) {
            body.cancel();
            body = null;
        }
        if (tls != null && tls.handshakeDone()) out.offer(tls.close()); // best effort: the socket closes anyway
        out.complete();
        timers.startSingleTimer(CloseTimeout.INSTANCE, CLOSE_GRACE);
    }

    private void pull() {
        context.pipeToSelf(in.pull(), (bytes, failure) ->
                failure != null || bytes.isEmpty() ? Ended.INSTANCE : new Received(bytes.get()));
    }

    /** What stopped a read, without the wrappers it travelled in. */
    private static String reason(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof UncheckedIOException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.toString();
    }

    /** TCPTO-11: only a connect timeout counts against an address. */
    private static boolean connectTimedOut(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) return true;
            if (t.getMessage() != null && t.getMessage().contains("Connect timeout")) return true;
        }
        return false;
    }
}
