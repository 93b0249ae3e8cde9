package dev.quail.engine.qmtp;

import dev.quail.config.Control;
import dev.quail.config.RelayPolicy;
import dev.quail.engine.Admission;
import dev.quail.engine.Controls;
import dev.quail.engine.TcpListener;
import dev.quail.engine.log.MessageLog;
import dev.quail.engine.queue.Submitter;
import dev.quail.engine.smtp.IncomingBody;
import dev.quail.engine.smtp.SmtpPolicies;
import dev.quail.persistence.body.BodyStore;
import dev.quail.protocols.qmtp.QmqpSession;
import dev.quail.protocols.qmtp.QmtpPolicy;
import dev.quail.protocols.qmtp.QmtpSession;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * qmail-qmtpd's and qmail-qmqpd's listeners (QMTPD-00, QMQP-00), each connection with a session built from the
 * configuration current at connect time, within the listener's connection limits ({@link Admission}; a client over
 * them is disconnected without a word, as QMTP and QMQP have none for it) and with SMTP's deadlines (timeoutsmtpd,
 * datarate over a package, lifetimesmtpd).
 *
 * QMTP is open to anyone, with SMTP's relay control (rcpthosts, relayclients) and databytes. QMQP relays anywhere,
 * so it is offered only to the clients listed in control/qmqpclients (one IP or CIDR per line, '#' comments, read
 * at each connection; missing = nobody): any other client is disconnected before a byte is read, as tcpserver's
 * rules do for qmail-qmqpd, and the log says "qmqp refused IP".
 */
public final class QmtpServer {
    private QmtpServer() {}

    /**
     * {@code storageLow}: whether the queue's disk is too full for new mail (a package then hears Z); {@code io}:
     * where a control/qmailqueue program waits; {@code proxyProtocol}: clients come through a load balancer's PROXY
     * protocol ({@link TcpListener#gate}).
     */
    public static Behavior<TcpListener.Command> qmtp(InetSocketAddress address, Controls controls,
                                                     Submitter submitter, BodyStore bodies,
                                                     BooleanSupplier storageLow, Executor io, boolean proxyProtocol) {
        return Behaviors.setup(context -> {
            ActorSystem<Void> system = context.getSystem();
            return TcpListener.create("qmtp", address, TcpListener.bind(system, address, true),
                    gate(system, "qmtp", controls, proxyProtocol, (peer, ticket) -> {
                        InetAddress client = peer.address();
                        Controls.Snapshot snapshot = controls.current();
                        Control c = snapshot.control();
                        RelayPolicy relay = new RelayPolicy(c);
                        QmtpSession session = new QmtpSession(new QmtpPolicy(c.me(), c.databytes(),
                                recipient -> relay.accepts(client, recipient), c.limits().maxrecipients(),
                                storageLow),
                                peer.ip(), SmtpPolicies.timing(snapshot), Clock.systemUTC());
                        String origin = "qmtp " + peer.ip();
                        return QmtpConnection.flow(session, new IncomingBody(bodies, submitter, origin,
                                IncomingBody.qmailqueue(controls), io), origin, ticket);
                    }));
        });
    }

    /** A client not in qmqpclients (behind a balancer: the client its PROXY header names) is closed unread. */
    public static Behavior<TcpListener.Command> qmqp(InetSocketAddress address, Controls controls,
                                                     Submitter submitter, BodyStore bodies, Executor io,
                                                     boolean proxyProtocol) {
        return Behaviors.setup(context -> {
            ActorSystem<Void> system = context.getSystem();
            return TcpListener.create("qmqp", address, TcpListener.bind(system, address, true),
                    gate(system, "qmqp", controls, proxyProtocol, (peer, ticket) -> {
                        if (!trusted(controls, peer.address())) {
                            MessageLog.info("qmqp refused " + peer.ip());
                            return TcpListener.closed();
                        }
                        Controls.Snapshot snapshot = controls.current();
                        QmqpSession session = new QmqpSession(snapshot.control().me(), peer.ip(),
                                SmtpPolicies.timing(snapshot), Clock.systemUTC());
                        String origin = "qmqp " + peer.ip();
                        return QmtpConnection.flow(session, new IncomingBody(bodies, submitter, origin,
                                IncomingBody.qmailqueue(controls), io), origin, ticket);
                    }));
        });
    }

    private static Consumer<Tcp.IncomingConnection> gate(
            ActorSystem<Void> system, String name, Controls controls, boolean proxyProtocol,
            BiFunction<TcpListener.Peer, Admission.Ticket, Flow<ByteString, ByteString, NotUsed>> edge) {
        return TcpListener.gate(system, name, controls, new Admission(System::currentTimeMillis),
                ByteString.emptyByteString(), proxyProtocol, edge);
    }

    private static boolean trusted(Controls controls, InetAddress client) {
        return controls.current().control().qmqpclients().contains(client);
    }
}
