package dev.quail.engine.qmtp;

import dev.quail.config.Control;
import dev.quail.config.RelayPolicy;
import dev.quail.engine.Controls;
import dev.quail.engine.TcpListener;
import dev.quail.engine.log.MessageLog;
import dev.quail.engine.queue.Submitter;
import dev.quail.engine.smtp.IncomingBody;
import dev.quail.persistence.body.BodyStore;
import dev.quail.protocols.qmtp.QmqpSession;
import dev.quail.protocols.qmtp.QmtpPolicy;
import dev.quail.protocols.qmtp.QmtpSession;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * qmail-qmtpd's and qmail-qmqpd's listeners (QMTPD-00, QMQP-00), each connection with a session built from the
 * configuration current at connect time.
 *
 * QMTP is open to anyone, with SMTP's relay control (rcpthosts, relayclients) and databytes. QMQP relays anywhere,
 * so it is offered only to the clients listed in control/qmqpclients (one IP or CIDR per line, '#' comments, read
 * at each connection; missing = nobody): any other client is disconnected before a byte is read, as tcpserver's
 * rules do for qmail-qmqpd, and the log says "qmqp refused IP".
 */
public final class QmtpServer {
    /** qmail-qmtpd's alarm: a connection lasts at most an hour (QMTP-06). */
    static final Duration LIFETIME = Duration.ofHours(1);

    private QmtpServer() {}

    public static Behavior<TcpListener.Command> qmtp(InetSocketAddress address, Controls controls,
                                                     Submitter submitter, BodyStore bodies) {
        return Behaviors.setup(context -> {
            ActorSystem<Void> system = context.getSystem();
            return TcpListener.create("qmtp", address, TcpListener.bind(system, address, true), connection -> {
                InetAddress client = connection.remoteAddress().getAddress();
                Control c = controls.current().control();
                RelayPolicy relay = new RelayPolicy(c);
                QmtpSession session = new QmtpSession(new QmtpPolicy(c.me(), c.databytes(),
                        recipient -> relay.accepts(client, recipient), c.limits().maxrecipients()),
                        client.getHostAddress(), Clock.systemUTC());
                connection.handleWith(QmtpConnection.flow(session,
                        new IncomingBody(bodies, submitter, "qmtp " + client.getHostAddress()), LIFETIME), system);
            });
        });
    }

    public static Behavior<TcpListener.Command> qmqp(InetSocketAddress address, Controls controls,
                                                     Submitter submitter, BodyStore bodies) {
        return Behaviors.setup(context -> {
            ActorSystem<Void> system = context.getSystem();
            return TcpListener.create("qmqp", address, TcpListener.bind(system, address, true), connection -> {
                InetAddress client = connection.remoteAddress().getAddress();
                String ip = client.getHostAddress();
                if (!trusted(controls, client)) {
                    MessageLog.info("qmqp refused " + ip);
                    connection.handleWith(Flow.fromSinkAndSource(Sink.<ByteString>cancelled(),
                            Source.<ByteString>empty()), system);
                    return;
                }
                QmqpSession session = new QmqpSession(controls.current().control().me(), ip, Clock.systemUTC());
                connection.handleWith(QmtpConnection.flow(session, new IncomingBody(bodies, submitter, "qmqp " + ip),
                        LIFETIME), system);
            });
        });
    }

    private static boolean trusted(Controls controls, InetAddress client) {
        return controls.current().control().qmqpclients().contains(client);
    }

}
