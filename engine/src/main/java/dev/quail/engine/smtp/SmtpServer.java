package dev.quail.engine.smtp;

import dev.quail.engine.Admission;
import dev.quail.engine.Controls;
import dev.quail.engine.TcpListener;
import dev.quail.engine.auth.Logins;
import dev.quail.engine.log.MessageLog;
import dev.quail.engine.queue.Submitter;
import dev.quail.engine.serial.SerialPickup;
import dev.quail.engine.tls.ServerTls;
import dev.quail.persistence.body.BodyStore;
import dev.quail.protocols.smtp.SmtpClient;
import dev.quail.protocols.smtp.SmtpSecurity;
import dev.quail.protocols.smtp.SmtpSession;
import dev.quail.config.Control;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.BooleanSupplier;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * qmail-smtpd's listeners (with tcpserver's job): each binds its address and runs one {@link SmtpConnection} per
 * client, each with a fresh session built from the configuration current at connect time (CTL-07), within the
 * listener's connection limits ({@link Admission}: concurrencyincoming, concurrencyperip, stress).
 *
 * <ul>
 *   <li>{@link #create} the SMTP port (25): STARTTLS offered, AUTH offered under TLS, never required. Unbinds on
 *       {@link Unbind} so a shutdown stops accepting before the queue stops.</li>
 *   <li>{@link #smtps} implicit TLS (RFC 8314, port 465): TLS from the first byte, AUTH offered.</li>
 *   <li>{@link #submission} the message submission port (RFC 6409, port 587): STARTTLS, then AUTH, required
 *       before MAIL.</li>
 * </ul>
 * An authenticated client may relay on any of them; nobody else may, except control/relayclients and the clients
 * control/clients gives RELAYCLIENT. A client control/clients denies hears 554 5.7.1 (nothing under implicit TLS)
 * and is closed, as tcpserver's deny rule closed it, after the door's limits counted it: it is refused cheaply.
 */
public final class SmtpServer {
    public sealed interface Command {}

    public record Unbind(ActorRef<Done> replyTo) implements Command {}

    /** Reported to the parent once the address is bound, or not. */
    public record Bound(String address) {}

    /**
     * What every SMTP listener of one server shares: the configuration, the queue and the body store its messages'
     * pieces go to first, the TLS identity, the password checks (whose throttle POP3 shares), the recipient check
     * (whose count of unknown recipients spans every listener), where a control/qmailqueue program waits, and
     * whether clients come through a load balancer's PROXY protocol ({@link TcpListener#gate}).
     */
    public record Services(Controls controls, Submitter submitter, BodyStore bodies, ServerTls tls, Logins logins,
                           BooleanSupplier storageLow, RecipientCheck recipients, Executor io,
                           boolean proxyProtocol, SerialPickup serial) {}

    private record BindResult(Tcp.ServerBinding binding, Throwable failure) implements Command {}

    private static final SmtpSecurity PORT_25 = new SmtpSecurity(SmtpSecurity.Tls.STARTTLS, false);
    private static final SmtpSecurity SMTPS = new SmtpSecurity(SmtpSecurity.Tls.IMPLICIT, false);
    private static final SmtpSecurity SUBMISSION = new SmtpSecurity(SmtpSecurity.Tls.STARTTLS, true);

    private SmtpServer() {}

    public static Behavior<Command> create(String host, int port, Services services, ActorRef<Bound> parent) {
        return Behaviors.setup(context -> {
            ActorSystem<Void> system = context.getSystem();
            CompletionStage<Tcp.ServerBinding> binding = TcpListener.bind(system, new InetSocketAddress(host, port), false)
                    .to(Sink.foreach(gate(system, services, "smtp", PORT_25)::accept))
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
                    gate(system, services, name, security));
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

    /**
     * The listener's door ({@link TcpListener#gate}): one more client than concurrencyincoming or concurrencyperip
     * (control/clients' CONCURRENCYPERIP for the client, if its rule sets it) hears 421 4.7.0, except under implicit
     * TLS, where a word in clear would not be understood and a handshake per refused client would spend the CPU the
     * limit protects.
     */
    private static Consumer<Tcp.IncomingConnection> gate(ActorSystem<Void> system, Services services, String name,
                                                         SmtpSecurity security) {
        boolean implicitTls = security.tls() == SmtpSecurity.Tls.IMPLICIT;
        ByteString refusal = implicitTls ? ByteString.emptyByteString()
                : ByteString.fromString(SmtpSession.busy(), StandardCharsets.US_ASCII);
        return TcpListener.gate(system, name, services.controls(), new Admission(System::currentTimeMillis),
                SmtpServer::concurrencyPerIp, refusal, services.proxyProtocol(),
                (peer, ticket) -> edge(peer, ticket, services, name, security));
    }

    /** control/clients' CONCURRENCYPERIP for this client, else concurrencyperip (tcpserver -c, per rule). */
    private static int concurrencyPerIp(Control control, InetAddress client) {
        long limit = control.clients().of(client).concurrencyPerIp().orElse(control.limits().concurrencyperip());
        return (int) Math.min(Integer.MAX_VALUE, limit);
    }

    /** Runs on a stream thread, not the actor's: touches only thread-safe things. */
    private static Flow<ByteString, ByteString, NotUsed> edge(TcpListener.Peer peer, Admission.Ticket ticket,
                                                             Services services, String name, SmtpSecurity security) {
        Controls.Snapshot snapshot = services.controls().current();
        if (!snapshot.control().clients().of(peer.address()).allow()) {
            MessageLog.info(name + " refused " + peer.ip() + ": denied by control/clients");
            return TcpListener.sayAndClose(security.tls() == SmtpSecurity.Tls.IMPLICIT ? ByteString.emptyByteString()
                    : ByteString.fromString(SmtpSession.denied(), StandardCharsets.US_ASCII));
        }
        SmtpSession session = new SmtpSession(SmtpPolicies.forClient(snapshot, peer.address(), services.storageLow(),
                services.recipients(), services.serial()),
                security, new SmtpClient(peer.ip(), peer.remote().getPort(), peer.local().getAddress().getHostAddress()),
                SmtpPolicies.timing(snapshot), Clock.systemUTC());
        String origin = name + " " + peer.ip();
        IncomingBody body = new IncomingBody(services.bodies(), services.submitter(), origin,
                IncomingBody.qmailqueue(services.controls()), services.io());
        return SmtpConnection.flow(session, body, origin,
                peer.address(), new SmtpAuthenticator(services.logins()), services.tls()::newEngine,
                security.tls() == SmtpSecurity.Tls.IMPLICIT, ticket);
    }
}
