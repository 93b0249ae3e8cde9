/*
 * SinkServer: binds the sink's address and runs one SinkConnection per client. Each connection gets a
 * fresh SmtpSession (dev.quail.protocols.smtp, the engine's own state machine) under a permissive policy:
 * every recipient domain is accepted (subject to RecipientRules), no size limit (EHLO says "SIZE"), no
 * badmailfrom, up to MAX_RECIPIENTS per transaction (the next gets 452 4.5.3, RFC 5321 4.5.3.1.10),
 * and the idle timeout of RFC 5321 4.5.3.2.7 (5 minutes). EHLO offers PIPELINING, 8BITMIME and SIZE.
 */
package dev.quail.loadtest.sink;

import dev.quail.protocols.smtp.SmtpClient;
import dev.quail.protocols.smtp.SmtpPolicy;
import dev.quail.protocols.smtp.SmtpSession;
import java.util.Optional;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;

public final class SinkServer {

    public static final int MAX_RECIPIENTS = 10_000;
    static final String NAME = "quail-sink";
    private static final int MAX_HOPS = 100;
    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);

    private SinkServer() {}

    public static CompletionStage<Tcp.ServerBinding> bind(ActorSystem system, String host, int port,
                                                          SinkCounters counters, RecipientRules rules,
                                                          Duration delay) {
        return Tcp.get(system).bind(host, port)
                .to(Sink.foreach(connection -> {
                    counters.connected();
                    InetSocketAddress remote = connection.remoteAddress();
                    RecipientRules.Verdicts verdicts = rules.forConnection();
                    SmtpPolicy policy = new SmtpPolicy(NAME, NAME, 0, MAX_RECIPIENTS, MAX_HOPS, verdicts,
                            sender -> false, () -> false, recipient -> recipient,
                            recipient -> SmtpPolicy.Mailbox.KNOWN, Optional.empty(), Optional.empty());
                    SmtpSession session = new SmtpSession(policy, new SmtpClient(remote.getAddress().getHostAddress(),
                            remote.getPort(), connection.localAddress().getAddress().getHostAddress()),
                            Clock.systemUTC());
                    connection.handleWith(SinkConnection.flow(session, verdicts, counters, delay, IDLE_TIMEOUT),
                            system);
                }))
                .run(system);
    }
}
