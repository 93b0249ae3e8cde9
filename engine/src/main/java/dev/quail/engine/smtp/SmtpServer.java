package dev.quail.engine.smtp;

import dev.quail.engine.Controls;
import dev.quail.engine.TcpListener;
import dev.quail.engine.log.MessageLog;
import dev.quail.engine.queue.Submitter;
import dev.quail.engine.tls.ServerTls;
import dev.quail.persistence.body.BodyStore;
import dev.quail.protocols.smtp.SmtpClient;
import dev.quail.protocols.smtp.SmtpSecurity;
import dev.quail.protocols.smtp.SmtpSession;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;

/**
 * qmail-smtpd's listeners (with tcpserver's job): each binds its address and runs one {@link SmtpConnection} per
 * client, each with a fresh session built from the configuration current at connect time (CTL-07).
 *
 * <ul>
 *   <li>{@link #create} the SMTP port (25): STARTTLS offered, AUTH offered under TLS, never required. Unbinds on
 *       {@link Unbind} so a shutdown stops accepting before the queue stops.</li>
 *   <li>{@link #smtps} implicit TLS (RFC 8314, port 465): TLS from the first byte, AUTH offered.</li>
 *   <li>{@link #submission} the message submission port (RFC 6409, port 587): STARTTLS, then AUTH, required
 *       before MAIL.</li>
 * </ul>
 * An authenticated client may relay on any of them; nobody else may, except control/relayclients.
 */
public final class SmtpServer {
    public sealed interface Command {}

    public record Unbind(ActorRef<Done> replyTo) implements Command {}

    /** Reported to the parent once the address is bound, or not. */
    public record Bound(String address) {}

    /**
     * What every SMTP listener of one server shares: the configuration, the queue and the body store its messages'
     * pieces go to first, the TLS identity, the password checks.
     */
    public record Services(Controls controls, Submitter submitter, BodyStore bodies, ServerTls tls,
                           SmtpAuthenticator authenticator) {}

    private record BindResult(Tcp.ServerBinding binding, Throwable failure) implements Command {}

    private static final SmtpSecurity PORT_25 = new SmtpSecurity(SmtpSecurity.Tls.STARTTLS, false);
    private static final SmtpSecurity SMTPS = new SmtpSecurity(SmtpSecurity.Tls.IMPLICIT, false);
    private static final SmtpSecurity SUBMISSION = new SmtpSecurity(SmtpSecurity.Tls.STARTTLS, true);

    private SmtpServer() {}

    public static Behavior<Command> create(String host, int port, Services services, ActorRef<Bound> parent) {
        return Behaviors.setup(context -> {
            ActorSystem<Void> system = context.getSystem();
            CompletionStage<Tcp.ServerBinding> binding = Tcp.get(context.getSystem())
                    .bind(host, port)
                    .to(Sink.foreach(connection -> handle(system, connection, services, "smtp", PORT_25)))
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

    public static Behavior<TcpListener.Command> smtps(InetSocketAddress address, Services services) {
        return listener("smtps", address, services, SMTPS);
    }

    public static Behavior<TcpListener.Command> submission(InetSocketAddress address, Services services) {
        return listener("submission", address, services, SUBMISSION);
    }

    private static Behavior<TcpListener.Command> listener(String name, InetSocketAddress address, Services services,
                                                          SmtpSecurity security) {
        return Behaviors.setup(context -> {
            ActorSystem<Void> system = context.getSystem();
            return TcpListener.create(name, address, TcpListener.bind(system, address, false),
                    connection -> handle(system, connection, services, name, security));
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
    private static void handle(ActorSystem<Void> system, Tcp.IncomingConnection connection, Services services,
                               String name, SmtpSecurity security) {
        InetSocketAddress remote = connection.remoteAddress();
        InetSocketAddress local = connection.localAddress();
        String remoteIp = remote.getAddress().getHostAddress();
        Controls.Snapshot snapshot = services.controls().current();
        SmtpSession session = new SmtpSession(SmtpPolicies.forClient(snapshot, remote.getAddress()), security,
                new SmtpClient(remoteIp, remote.getPort(), local.getAddress().getHostAddress()), Clock.systemUTC());
        Duration timeout = Duration.ofSeconds(Math.max(1, snapshot.control().timeoutsmtpd()));
        String origin = name + " " + remoteIp;
        connection.handleWith(SmtpConnection.flow(session,
                new IncomingBody(services.bodies(), services.submitter(), origin), origin, remote.getAddress(), services.authenticator(), services.tls()::newEngine,
                security.tls() == SmtpSecurity.Tls.IMPLICIT, timeout), system);
    }
}
