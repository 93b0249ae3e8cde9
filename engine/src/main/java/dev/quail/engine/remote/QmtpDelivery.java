package dev.quail.engine.remote;

import dev.quail.config.Cidr;
import dev.quail.config.Routes;
import dev.quail.engine.delivery.Outcome;
import dev.quail.protocols.qmtp.QmtpClient;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * Remote delivery of one message over QMTP (the qmail QMTP patch's client, for control/qmtproutes): one package
 * with every recipient, one Outcome per recipient in their order. K is a Success, Z a Deferral, D a Failure, with
 * qmail-remote's wording ("IP accepted message./Remote host said: ..."). No connection within timeoutconnect gives
 * every recipient a Deferral with qmail's #4.4.1 text; a connection that dies, stays silent for timeoutremote or
 * answers something that is not QMTP defers every recipient it had not answered yet (#4.4.2): "temporary unless
 * proven permanent". A relay named by host name is resolved by Pekko's resolver at connect time.
 */
public final class QmtpDelivery {
    public static final String UNREACHABLE = "Sorry, I wasn't able to establish a QMTP connection. (#4.4.1)";

    private QmtpDelivery() {}

    public static CompletionStage<List<Outcome>> deliver(ActorSystem<?> system, Routes.Relay relay,
                                                         Duration connectTimeout, Duration idleTimeout,
                                                         String sender, List<String> recipients, byte[] message) {
        InetSocketAddress address = Cidr.parse(relay.host())
                .filter(literal -> relay.host().indexOf('/') < 0)
                .map(literal -> new InetSocketAddress(literal.network(), relay.port()))
                .orElseGet(() -> InetSocketAddress.createUnresolved(relay.host(), relay.port()));
        QmtpClient client = new QmtpClient(recipients.size());
        List<QmtpClient.Reply> answered = new ArrayList<>();
        AtomicBoolean connected = new AtomicBoolean();
        var connection = Tcp.get(system).outgoingConnection(address, Optional.empty(), List.of(), true,
                Optional.of(connectTimeout), Optional.of(idleTimeout));
        return Source.single(ByteString.fromArrayUnsafe(QmtpClient.encode(sender, recipients, message)))
                .viaMat(connection, (notUsed, outgoing) -> outgoing.thenRun(() -> connected.set(true)))
                .map(bytes -> {
                    byte[] b = bytes.toArrayUnsafe();
                    answered.clear();
                    answered.addAll(client.receive(b, 0, b.length));
                    return client.complete();
                })
                .takeWhile(complete -> !complete, true)
                .runWith(Sink.ignore(), system)
                .handle((done, failure) -> outcomes(relay.host(), recipients.size(), answered, connected.get()));
    }

    private static List<Outcome> outcomes(String host, int count, List<QmtpClient.Reply> answered, boolean connected) {
        List<Outcome> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (!connected) {
                out.add(new Outcome.Deferral(UNREACHABLE));
            } else if (i >= answered.size()) {
                out.add(new Outcome.Deferral("Connected to " + host + " but connection died. (#4.4.2)"));
            } else {
                QmtpClient.Reply reply = answered.get(i);
                String said = "/Remote host said: " + reply.text();
                switch (reply.code()) {
                    case K: out.add(new Outcome.Success(host + " accepted message." + said)); break;
                    case D: out.add(new Outcome.Failure(host + " does not like recipient." + said)); break;
                    default: out.add(new Outcome.Deferral(host + " does not like recipient." + said)); break;
                }
            }
        }
        return out;
    }
}
