package dev.quail.engine.pop3;

import dev.quail.config.Limits;
import dev.quail.engine.Admission;
import dev.quail.engine.Controls;
import dev.quail.engine.TcpListener;
import dev.quail.engine.auth.Logins;
import dev.quail.engine.tls.ServerTls;
import dev.quail.protocols.pop3.Pop3Session;
import dev.quail.protocols.smtp.Deadlines;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.util.ByteString;

/**
 * The POP3 listeners (qmail-popup + checkpassword + qmail-pop3d behind tcpserver): one {@link Pop3Connection} per
 * client, greeting with an APOP timestamp unique to the connection, {@code <pid.n.unixtime@me>}.
 * <ul>
 *   <li>{@link #create} the POP3 port (110): STLS offered (RFC 2595); USER/PASS also accepted in clear, as by
 *   qmail-popup.</li>
 *   <li>{@link #pop3s} implicit TLS (RFC 8314, port 995): TLS from the first byte, no STLS.</li>
 * </ul>
 * Both take their certificate from the server's one {@link ServerTls}, and keep within their connection limits
 * ({@link Admission}: a client over them hears "-ERR too many connections" on the POP3 port).
 */
public final class Pop3Server {
    /** How long a refused login waits for its answer. */
    static final Duration FAILED_LOGIN_DELAY = Duration.ofSeconds(2);

    private static final AtomicLong CONNECTIONS = new AtomicLong();
    private static final long PID = ProcessHandle.current().pid();

    private Pop3Server() {}

    /**
     * {@code logins}: the server's password checks, whose throttle SMTP AUTH shares; {@code proxyProtocol}: clients
     * come through a load balancer's PROXY protocol ({@link TcpListener#gate}).
     */
    public static Behavior<TcpListener.Command> create(InetSocketAddress address, Controls controls, Executor io,
                                                       ServerTls tls, Logins logins, boolean proxyProtocol) {
        return listener("pop3", address, controls, io, tls, logins, false, proxyProtocol);
    }

    public static Behavior<TcpListener.Command> pop3s(InetSocketAddress address, Controls controls, Executor io,
                                                      ServerTls tls, Logins logins, boolean proxyProtocol) {
        return listener("pop3s", address, controls, io, tls, logins, true, proxyProtocol);
    }

    /** timeoutpop3d idle and per command line (timeoutstress under stress, if shorter), lifetimesmtpd in all. */
    private static Deadlines.Timing timing(Controls.Snapshot snapshot) {
        Limits l = snapshot.control().limits();
        return new Deadlines.Timing(Duration.ofSeconds(l.timeoutpop3d()),
                Duration.ofSeconds(Math.min(l.timeoutpop3d(), l.timeoutstress())), 0,
                Duration.ofSeconds(l.lifetimesmtpd()));
    }

    private static Behavior<TcpListener.Command> listener(String name, InetSocketAddress address, Controls controls,
                                                          Executor io, ServerTls tls, Logins logins,
                                                          boolean implicitTls, boolean proxyProtocol) {
        return Behaviors.setup(context -> {
            ActorSystem<Void> system = context.getSystem();
            Pop3Login login = new Pop3Login(controls, logins, io);
            // Under implicit TLS a word in clear would not be understood: a client over the limits is just closed.
            ByteString refusal = implicitTls ? ByteString.emptyByteString()
                    : ByteString.fromString(Pop3Session.busy(), StandardCharsets.US_ASCII);
            return TcpListener.create(name, address, TcpListener.bind(system, address, false),
                    TcpListener.gate(system, name, controls, new Admission(System::currentTimeMillis), refusal,
                            proxyProtocol, (peer, ticket) -> {
                                Controls.Snapshot snapshot = controls.current();
                                String timestamp = "<" + PID + "." + CONNECTIONS.incrementAndGet() + "."
                                        + System.currentTimeMillis() / 1000 + "@" + snapshot.control().me() + ">";
                                return Pop3Connection.flow(new Pop3Session(timestamp, !implicitTls,
                                                timing(snapshot), Clock.systemUTC()), login,
                                        peer.address(), io,
                                        FAILED_LOGIN_DELAY, tls::newEngine, implicitTls, ticket);
                            }));
        });
    }
}
