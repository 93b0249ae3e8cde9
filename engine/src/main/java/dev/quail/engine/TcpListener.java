package dev.quail.engine;

import dev.quail.config.Control;
import dev.quail.config.Limits;
import dev.quail.engine.log.MessageLog;
import dev.quail.engine.metrics.Meters;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.ToIntBiFunction;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * tcpserver's job for one listener: binds, admits or refuses each connection ({@link #gate}), hands the admitted
 * ones to their protocol's edge, logs "NAME listening on HOST:PORT", and unbinds in the shutdown's service-unbind
 * phase so a stopping server accepts nothing new while the queue drains. A failed bind stops the actor, and the
 * guardian, which watches it, stops the server: a listener that was asked for and is not there is a failed start.
 * The connections come as a Source so a TLS listener can be bound the same way.
 */
public final class TcpListener {
    public sealed interface Command {}

    private record BindResult(Tcp.ServerBinding binding, Throwable failure) implements Command {}

    /**
     * Connections the kernel holds for the listener to accept: a flood of connects must not fill the queue, or the
     * kernel drops the SYNs of everyone, normal clients included, who then wait a second or more to retry.
     */
    static final int BACKLOG = 1024;
    /** How often an edge ticks its session's deadlines. */
    static final Duration TICK = Duration.ofSeconds(1);
    /** How long past its lifetime a connection whose goodbye cannot even be written (a client that never reads) lives. */
    static final Duration GRACE = Duration.ofMinutes(1);
    /** How long an evicted connection has to say goodbye on its own. */
    static final Duration EVICTION_GRACE = Duration.ofSeconds(5);

    private TcpListener() {}

    /** {@code handler} runs on a stream thread, not the actor's: it may touch only thread-safe things. */
    public static Behavior<Command> create(String name, InetSocketAddress address,
                                           Source<Tcp.IncomingConnection, CompletionStage<Tcp.ServerBinding>> bind,
                                           Consumer<Tcp.IncomingConnection> handler) {
        return Behaviors.setup(context -> {
            context.pipeToSelf(bind.to(Sink.foreach(handler::accept)).run(context.getSystem()), BindResult::new);
            return Behaviors.receive(Command.class)
                    .onMessage(BindResult.class, result -> {
                        if (result.failure() != null) throw new IllegalStateException("unable to bind " + name
                                + " to " + address.getHostString() + ":" + address.getPort() + ": "
                                + result.failure().getMessage(), result.failure());
                        InetSocketAddress local = result.binding().localAddress();
                        MessageLog.info(name + " listening on " + local.getHostString() + ":" + local.getPort());
                        CoordinatedShutdown.get(context.getSystem()).addTask(CoordinatedShutdown.PhaseServiceUnbind(),
                                name + "-unbind", () -> result.binding().unbind().thenApply(x -> Done.getInstance()));
                        return Behaviors.empty();
                    })
                    .build();
        });
    }

    /** A plain TCP bind of {@code address}; {@code halfClose} keeps writing after the client stops sending. */
    public static Source<Tcp.IncomingConnection, CompletionStage<Tcp.ServerBinding>> bind(
            ActorSystem<?> system, InetSocketAddress address, boolean halfClose) {
        return Tcp.get(system).bind(address.getHostString(), address.getPort(), BACKLOG, List.of(), halfClose,
                Optional.empty());
    }

    /**
     * The two ends of a connection as its client knows them: the socket's own, or, behind a load balancer, those its
     * PROXY header names ({@link ProxyProtocol}). Everything that judges a client (relayclients, the limits, the
     * logs, the Received line) reads them from here.
     */
    public record Peer(InetSocketAddress remote, InetSocketAddress local) {
        public InetAddress address() {
            return remote.getAddress();
        }

        public String ip() {
            return remote.getAddress().getHostAddress();
        }
    }

    /**
     * The door of one listener: each connection is admitted ({@link Admission}, with concurrencyincoming and
     * concurrencyperip as they are now) or refused, logged as "NAME refused IP: too many connections", with
     * {@code refusal} written before the close (nothing where the protocol has no word for it). An admitted
     * connection runs {@code edge}; whatever happens to it, it ends at the latest {@link #GRACE} after
     * lifetimesmtpd (its session says goodbye at lifetimesmtpd; this cuts one that cannot even be written to), and
     * {@link #EVICTION_GRACE} after its slot was given to a newcomer. Its slot is freed when it ends. With
     * {@code proxyProtocol} (quail start --proxy-protocol) the connection must first bring a PROXY header, and the
     * client it names is the one admitted and served.
     */
    public static Consumer<Tcp.IncomingConnection> gate(
            ActorSystem<?> system, String name, Controls controls, Admission admission, ByteString refusal,
            boolean proxyProtocol, BiFunction<Peer, Admission.Ticket, Flow<ByteString, ByteString, NotUsed>> edge) {
        return gate(system, name, controls, admission, (control, client) -> control.limits().concurrencyperip(),
                refusal, proxyProtocol, edge);
    }

    /** As above, with the limit on one client's connections given per client ({@code perClient}). */
    public static Consumer<Tcp.IncomingConnection> gate(
            ActorSystem<?> system, String name, Controls controls, Admission admission,
            ToIntBiFunction<Control, InetAddress> perClient, ByteString refusal, boolean proxyProtocol,
            BiFunction<Peer, Admission.Ticket, Flow<ByteString, ByteString, NotUsed>> edge) {
        AtomicInteger open = Meters.connections(name);
        return connection -> {
            Peer socket = new Peer(connection.remoteAddress(), connection.localAddress());
            connection.handleWith(proxyProtocol
                    ? ProxyProtocol.expect(name, socket, controls,
                            peer -> door(name, controls, admission, perClient, refusal, peer, open, edge))
                    : door(name, controls, admission, perClient, refusal, socket, open, edge), system);
        };
    }

    private static Flow<ByteString, ByteString, NotUsed> door(
            String name, Controls controls, Admission admission,
            ToIntBiFunction<Control, InetAddress> perClient, ByteString refusal, Peer peer,
            AtomicInteger open, BiFunction<Peer, Admission.Ticket, Flow<ByteString, ByteString, NotUsed>> edge) {
        Control control = controls.current().control();
        Limits limits = control.limits();
        Optional<Admission.Ticket> admitted = admission.admit(peer.address(), limits.concurrencyincoming(),
                perClient.applyAsInt(control, peer.address()));
        if (admitted.isEmpty()) {
            MessageLog.info(name + " refused " + peer.ip() + ": too many connections");
            // Without a word to say, reading stops too: on a half-closing listener (QMTP, QMQP) a client that
            // went on sending would otherwise keep a connection no limit counts.
            return sayAndClose(refusal);
        }
        Admission.Ticket ticket = admitted.get();
        open.incrementAndGet();
        Duration hardStop = Duration.ofSeconds(limits.lifetimesmtpd()).plus(GRACE);
        return edge.apply(peer, ticket).via(new DoorStage(hardStop, EVICTION_GRACE, ticket,
                () -> MessageLog.info(name + " " + peer.ip() + " closed to make room for a new client"),
                () -> {
                    ticket.release();
                    open.decrementAndGet();
                }));
    }

    /** A connection that hears {@code words} and is closed, or is closed without a word if there are none. */
    public static <T> Flow<T, ByteString, NotUsed> sayAndClose(ByteString words) {
        return words.isEmpty() ? closed() : Flow.fromSinkAndSource(Sink.<T>ignore(), Source.single(words));
    }

    /** A connection closed without a word, reading nothing. */
    public static <T> Flow<T, ByteString, NotUsed> closed() {
        return Flow.fromSinkAndSource(Sink.<T>cancelled(), Source.<ByteString>empty());
    }

    /** The client's bytes, with an empty element every {@link #TICK} for the session's deadlines. */
    public static Flow<ByteString, Optional<ByteString>, NotUsed> ticking() {
        return Flow.of(ByteString.class).map(Optional::of)
                .merge(Source.tick(TICK, TICK, Optional.<ByteString>empty()), true);
    }
}
