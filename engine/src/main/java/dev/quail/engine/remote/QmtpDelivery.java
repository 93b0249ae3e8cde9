package dev.quail.engine.remote;

import dev.quail.config.Cidr;
import dev.quail.config.Routes;
import dev.quail.engine.delivery.MessageBody;
import dev.quail.engine.delivery.Outcome;
import dev.quail.persistence.body.BodyStore;
import dev.quail.protocols.qmtp.QmtpClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Keep;
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
 * proven permanent". So does a package that is not answered within timeouttransaction, and a message that cannot
 * be read from the store (#4.3.0: the package is cut short, so the server refuses it). A relay named by host name
 * is resolved by Pekko's resolver at connect time.
 *
 * <p>The message is streamed between the netstring head and tail {@link QmtpClient} gives: read a chunk at a
 * time ({@link OutgoingBody}) on Pekko's blocking-I/O dispatcher as the socket takes it, so a package costs a few
 * chunks of heap whatever its size.
 */
public final class QmtpDelivery {
    public static final String UNREACHABLE = "Sorry, I wasn't able to establish a QMTP connection. (#4.4.1)";

    /** control/timeoutconnect, timeoutremote (a silence) and timeouttransaction (the whole package). */
    public record Timeouts(Duration connect, Duration idle, Duration transaction) {}

    private QmtpDelivery() {}

    public static CompletionStage<List<Outcome>> deliver(ActorSystem<?> system, BodyStore store, Routes.Relay relay,
                                                         Timeouts timeouts, String sender, List<String> recipients,
                                                         MessageBody message, Stamp stamp) {
        if (stamp == Stamp.NONE) {
            return send(system, store, relay, timeouts, sender, recipients, message, Optional.empty()); // no hop
        }
        // The stamp's field goes inside the message's netstring, whose length comes first: it is made before.
        Executor io = system.dispatchers().lookup(DispatcherSelector.blocking());
        return CompletableFuture.supplyAsync(() -> {
            try {
                return stamp.read(sender, recipients, message, store);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, io).handle((field, failure) -> failure == null
                ? send(system, store, relay, timeouts, sender, recipients, message, field)
                : CompletableFuture.completedFuture(Collections.nCopies(recipients.size(),
                        (Outcome) new Outcome.Deferral("Unable to read message: " + ioReason(failure) + " (#4.3.0)"))))
                .thenCompose(outcomes -> outcomes);
    }

    private static String ioReason(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException) return t.getMessage();
        }
        return String.valueOf(failure);
    }

    private static CompletionStage<List<Outcome>> send(ActorSystem<?> system, BodyStore store, Routes.Relay relay,
                                                       Timeouts timeouts, String sender, List<String> recipients,
                                                       MessageBody message, Optional<byte[]> field) {
        InetSocketAddress address = Cidr.parse(relay.host())
                .filter(literal -> relay.host().indexOf('/') < 0)
                .map(literal -> new InetSocketAddress(literal.network(), relay.port()))
                .orElseGet(() -> InetSocketAddress.createUnresolved(relay.host(), relay.port()));
        QmtpClient client = new QmtpClient(recipients.size());
        List<QmtpClient.Reply> answered = new ArrayList<>();
        AtomicReference<String> trouble =
                new AtomicReference<>("Connected to " + relay.host() + " but connection died. (#4.4.2)");
        var connection = Tcp.get(system).outgoingConnection(address, Optional.empty(), List.of(), true,
                Optional.of(timeouts.connect()), Optional.of(timeouts.idle()));
        Pair<CompletionStage<Tcp.OutgoingConnection>, CompletionStage<Done>> run =
                Source.single(ByteString.fromArrayUnsafe(QmtpClient.head(message.body().size()
                                + field.map(f -> f.length).orElse(0))))
                .concat(Source.from(field.stream().map(ByteString::fromArrayUnsafe).toList()))
                .concat(stored(system, store, message, () -> trouble.set("Unable to read message. (#4.3.0)")))
                .concat(Source.single(ByteString.fromArrayUnsafe(QmtpClient.tail(sender, recipients))))
                .viaMat(connection, Keep.right())
                .map(bytes -> {
                    byte[] b = bytes.toArrayUnsafe();
                    answered.clear();
                    answered.addAll(client.receive(b, 0, b.length));
                    return client.complete();
                })
                .takeWhile(complete -> !complete, true)
                .completionTimeout(timeouts.transaction())
                .toMat(Sink.ignore(), Keep.both())
                .run(system);
        // The connection's own outcome, not a flag set by a callback that may run after the stream ended.
        CompletionStage<Boolean> connected = run.first().handle((c, failure) -> failure == null);
        return run.second().handle((done, failure) -> {
            if (timedOut(failure)) {
                trouble.set("Connected to " + relay.host() + " but the package took more than "
                        + timeouts.transaction().toSeconds() + " seconds. (#4.4.2)");
            }
            return trouble.get();
        }).thenCombine(connected, (report, up) -> outcomes(relay.host(), recipients.size(), answered, up, report));
    }

    /** The message as stored, read a chunk at a time as the socket takes it; {@code unreadable} if it cannot be. */
    private static Source<ByteString, NotUsed> stored(ActorSystem<?> system, BodyStore store, MessageBody message,
                                                      Runnable unreadable) {
        Executor io = system.dispatchers().lookup(DispatcherSelector.blocking());
        return Source.unfoldResourceAsync(
                () -> CompletableFuture.completedFuture(OutgoingBody.stored(message, store, io)),
                body -> body.next().<Optional<ByteString>>thenApply(
                                piece -> piece.map(p -> ByteString.fromArrayUnsafe(p.bytes())))
                        .whenComplete((piece, failure) -> {
                            if (failure != null) unreadable.run();
                        }),
                body -> {
                    body.cancel();
                    return CompletableFuture.completedFuture(Done.getInstance());
                });
    }

    private static boolean timedOut(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException) return true;
        }
        return false;
    }

    private static List<Outcome> outcomes(String host, int count, List<QmtpClient.Reply> answered, boolean connected,
                                          String trouble) {
        List<Outcome> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (!connected) {
                out.add(new Outcome.Deferral(UNREACHABLE));
            } else if (i >= answered.size()) {
                out.add(new Outcome.Deferral(trouble));
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
