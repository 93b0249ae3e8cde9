package dev.quail.engine;

import dev.quail.config.Control;
import dev.quail.engine.log.MessageLog;
import dev.quail.protocols.proxy.ProxyHeader;
import dev.quail.protocols.proxy.ProxyHeaderDecoder;
import dev.quail.protocols.proxy.ProxyHeaderException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.util.ByteString;

/**
 * The PROXY protocol at a listener's edge (quail start --proxy-protocol), before admission and before any
 * protocol byte, TLS's included: a load balancer in front of Quail says in its first bytes who the client is
 * (HAProxy's send-proxy, v1, or send-proxy-v2), and the connection is then served as the client's.
 *
 * <ul>
 *   <li>Only a balancer listed in control/proxyclients is believed: a connection from anywhere else is closed at
 *       once, "NAME refused IP: not in proxyclients".</li>
 *   <li>The header must be complete within timeoutstress, and well formed ({@link ProxyHeaderDecoder}, which
 *       also bounds its size); otherwise the connection is closed, "NAME IP closed: REASON" (IP: the balancer's).
 *       Nothing is written: the peer is not known to speak the listener's protocol.</li>
 *   <li>v1 TCP4/TCP6 and v2 PROXY name the client and the address it reached; v2 LOCAL (the balancer's own
 *       health check) and a header naming no TCP client (v1 UNKNOWN, v2 UNSPEC or UNIX) leave the socket's
 *       addresses, the latter logged, as the specification asks.</li>
 * </ul>
 * The bytes after the header, in the same read or later, go to the connection as its first.
 */
final class ProxyProtocol {
    /** What the header reader hands on: the client once, first, then the connection's own bytes. */
    private sealed interface Piece {}

    private record Client(TcpListener.Peer peer) implements Piece {}

    private record Bytes(ByteString bytes) implements Piece {}

    private ProxyProtocol() {}

    /**
     * The connection from {@code socket}, a balancer, served by {@code then} as the client its header names.
     * Runs on a stream thread: touches only thread-safe things.
     */
    static Flow<ByteString, ByteString, NotUsed> expect(
            String name, TcpListener.Peer socket, Controls controls,
            Function<TcpListener.Peer, Flow<ByteString, ByteString, NotUsed>> then) {
        Control control = controls.current().control();
        if (!control.proxyclients().contains(socket.address())) {
            MessageLog.info(name + " refused " + socket.ip() + ": not in proxyclients");
            return TcpListener.closed();
        }
        long deadline = control.limits().timeoutstress();
        return Flow.of(ByteString.class)
                .statefulMapConcat(() -> new HeaderReader(name, socket)::read)
                .initialTimeout(Duration.ofSeconds(deadline))
                .mapError(TimeoutException.class, e -> {
                    MessageLog.info(name + " " + socket.ip() + " closed: no PROXY header within " + deadline + " s");
                    return e;
                })
                // Empty when the balancer hung up before a whole header: nothing to serve.
                .flatMapPrefix(1, first -> first.isEmpty() ? TcpListener.<Piece>closed()
                        : Flow.<Piece>create().map(piece -> ((Bytes) piece).bytes())
                                .via(then.apply(((Client) first.get(0)).peer())));
    }

    /** One connection's header, read as it arrives; a bad one fails the stream, which closes the connection. */
    private static final class HeaderReader {
        private final String name;
        private final TcpListener.Peer socket;
        private final ProxyHeaderDecoder decoder = new ProxyHeaderDecoder();
        private boolean read;

        HeaderReader(String name, TcpListener.Peer socket) {
            this.name = name;
            this.socket = socket;
        }

        Iterable<Piece> read(ByteString chunk) throws ProxyHeaderException {
            if (read) return List.of(new Bytes(chunk));
            byte[] bytes = chunk.toArrayUnsafe();
            Optional<ProxyHeaderDecoder.Decoded> decoded;
            try {
                decoded = decoder.receive(bytes, 0, bytes.length);
            } catch (ProxyHeaderException e) {
                MessageLog.info(name + " " + socket.ip() + " closed: " + e.getMessage());
                throw e;
            }
            if (decoded.isEmpty()) return List.of();
            read = true;
            List<Piece> pieces = new ArrayList<>(2);
            pieces.add(new Client(client(decoded.get().header())));
            byte[] rest = decoded.get().rest();
            if (rest.length > 0) pieces.add(new Bytes(ByteString.fromArrayUnsafe(rest)));
            return pieces;
        }

        private TcpListener.Peer client(ProxyHeader header) {
            if (header instanceof ProxyHeader.Proxied proxied) {
                return new TcpListener.Peer(proxied.source(), proxied.destination());
            }
            if (header instanceof ProxyHeader.Unknown unknown) {
                MessageLog.info(name + " " + socket.ip() + " PROXY header " + unknown.what()
                        + ": served as the balancer's own");
            }
            return socket;
        }
    }
}
