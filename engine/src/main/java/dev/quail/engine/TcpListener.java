package dev.quail.engine;

import dev.quail.engine.log.MessageLog;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;

/**
 * tcpserver's job for one listener (POP3, QMTP, QMQP): binds, hands every connection to its handler, logs
 * "NAME listening on HOST:PORT", and unbinds in the shutdown's service-unbind phase so a stopping server accepts
 * nothing new while the queue drains. A failed bind stops the actor, and the guardian, which watches it, stops the
 * server: a listener that was asked for and is not there is a failed start. The connections come as a Source so a
 * TLS listener can be bound the same way.
 */
public final class TcpListener {
    public sealed interface Command {}

    private record BindResult(Tcp.ServerBinding binding, Throwable failure) implements Command {}

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
        return Tcp.get(system).bind(address.getHostString(), address.getPort(), 100, List.of(), halfClose,
                Optional.empty());
    }
}
