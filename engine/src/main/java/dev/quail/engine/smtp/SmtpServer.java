package dev.quail.engine.smtp;

import dev.quail.engine.Controls;
import dev.quail.engine.queue.MessageLog;
import dev.quail.engine.queue.Queue;
import dev.quail.protocols.smtp.SmtpClient;
import dev.quail.protocols.smtp.SmtpSession;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;

/**
 * qmail-smtpd's listener (with tcpserver's job): binds the SMTP address and runs one {@link SmtpConnection}
 * per client, each with a fresh session built from the configuration current at connect time (CTL-07).
 * Unbinds on {@link Unbind} so a shutdown stops accepting before the queue stops.
 */
public final class SmtpServer {
    public sealed interface Command {}

    public record Unbind(ActorRef<Done> replyTo) implements Command {}

    /** Reported to the parent once the address is bound, or not. */
    public record Bound(String address) {}

    private record BindResult(Tcp.ServerBinding binding, Throwable failure) implements Command {}

    private SmtpServer() {}

    public static Behavior<Command> create(String host, int port, Controls controls,
                                           ActorRef<Queue.Command> queue, ActorRef<Bound> parent) {
        return Behaviors.setup(context -> {
            ActorSystem<Void> system = context.getSystem();
            CompletionStage<Tcp.ServerBinding> binding = Tcp.get(context.getSystem())
                    .bind(host, port)
                    .to(Sink.foreach(connection -> handle(system, connection, controls, queue)))
                    .run(system);
            context.pipeToSelf(binding, BindResult::new);
            return Behaviors.receive(Command.class)
                    .onMessage(BindResult.class, result -> {
                        if (result.failure() != null) throw new IllegalStateException(
                                "unable to bind SMTP to " + host + ":" + port + ": " + result.failure().getMessage(),
                                result.failure());
                        InetSocketAddress local = result.binding().localAddress();
                        MessageLog.info("smtp listening on " + local.getHostString() + ":" + local.getPort());
                        parent.tell(new Bound(local.getHostString() + ":" + local.getPort()));
                        return bound(result.binding());
                    })
                    .build();
        });
    }

    private static Behavior<Command> bound(Tcp.ServerBinding binding) {
        return Behaviors.receive(Command.class)
                .onMessage(Unbind.class, unbind -> {
                    binding.unbind().thenRun(() -> unbind.replyTo().tell(Done.getInstance()));
                    return Behaviors.same();
                })
                .build();
    }

    /** Runs on a stream thread, not the actor's: touches only thread-safe things. */
    private static void handle(ActorSystem<Void> system, Tcp.IncomingConnection connection, Controls controls,
                               ActorRef<Queue.Command> queue) {
        InetSocketAddress remote = connection.remoteAddress();
        InetSocketAddress local = connection.localAddress();
        String remoteIp = remote.getAddress().getHostAddress();
        Controls.Snapshot snapshot = controls.current();
        SmtpSession session = new SmtpSession(SmtpPolicies.forClient(snapshot, remote.getAddress()),
                new SmtpClient(remoteIp, remote.getPort(), local.getAddress().getHostAddress()), Clock.systemUTC());
        Duration timeout = Duration.ofSeconds(Math.max(1, snapshot.control().timeoutsmtpd()));
        connection.handleWith(
                SmtpConnection.flow(session, queue, system.scheduler(), "smtp " + remoteIp, timeout), system);
    }
}
