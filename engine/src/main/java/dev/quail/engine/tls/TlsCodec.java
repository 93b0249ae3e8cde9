package dev.quail.engine.tls;

import java.nio.ByteBuffer;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.apache.pekko.util.ByteString;

/**
 * One TLS connection's record layer, driven synchronously by the stream edge that owns the socket: network
 * bytes in, plaintext out ({@link #receive}); plaintext in, network bytes out ({@link #send}). Pekko's
 * {@code TLS} stage can only start at the first byte of a stream, while STARTTLS (RFC 3207) and STLS (RFC 2595)
 * switch a connection that is already talking; with this codec the edge keeps its one byte stream and simply
 * starts passing it through a codec at the switch, so it also decides exactly which bytes were received before
 * the switch (those are never given to TLS, nor to the protocol: the CVE-2011-0411 class).
 *
 * <p>Handshake messages produced while receiving come back in {@link Received#toSend()}; plaintext sent before
 * the handshake is done (the greeting of an implicit-TLS server) is held and goes out once it is. Delegated
 * tasks run inline: they are CPU work of a few milliseconds, on the stream thread that is serving this
 * connection anyway. Not thread-safe: one connection, one caller at a time.
 */
public final class TlsCodec {
    /**
     * What one receive produced: plaintext for the protocol, bytes to write, whether the handshake finished with
     * it (once per connection), and whether the peer closed TLS.
     */
    public record Received(ByteString plaintext, ByteString toSend, boolean handshakeFinished, boolean closed) {}

    private final SSLEngine engine;
    private ByteBuffer inbound;
    private ByteString held = ByteString.emptyByteString();
    private boolean handshakeDone;
    private boolean closed;

    private TlsCodec(SSLEngine engine) throws SSLException {
        this.engine = Objects.requireNonNull(engine);
        this.inbound = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        inbound.flip();
        engine.beginHandshake();
    }

    /** The server side: the client speaks first, so nothing is sent until it does. */
    public static TlsCodec server(SSLEngine engine) throws SSLException {
        engine.setUseClientMode(false);
        return new TlsCodec(engine);
    }

    /** The client side; {@link #start()} gives the ClientHello to write. */
    public static TlsCodec client(SSLEngine engine) throws SSLException {
        engine.setUseClientMode(true);
        return new TlsCodec(engine);
    }

    /** The first flight (a client's hello); nothing for a server. */
    public ByteString start() throws SSLException {
        return wrapHandshake(ByteString.emptyByteString(), new boolean[1]);
    }

    public Received receive(ByteString network) throws SSLException {
        append(network);
        ByteString plaintext = ByteString.emptyByteString();
        ByteString out = ByteString.emptyByteString();
        boolean[] finished = new boolean[1];
        ByteBuffer app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        while (!closed) {
            out = wrapHandshake(out, finished);
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (!inbound.hasRemaining() && hs != HandshakeStatus.NEED_UNWRAP_AGAIN) break;
            SSLEngineResult r = engine.unwrap(inbound, app);
            if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) finished[0] = true;
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                app = grow(app, engine.getSession().getApplicationBufferSize());
                continue;
            }
            if (app.position() > 0) {
                app.flip();
                plaintext = plaintext.concat(ByteString.fromByteBuffer(app));
                app.clear();
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                closed = true;
                out = wrapHandshake(out, finished); // our close_notify in answer
            } else if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
                    || (r.bytesConsumed() == 0 && r.bytesProduced() == 0
                        && engine.getHandshakeStatus() != HandshakeStatus.NEED_WRAP
                        && engine.getHandshakeStatus() != HandshakeStatus.NEED_TASK)) {
                break;
            }
        }
        // TLS 1.3 reports FINISHED again for post-handshake messages (a NewSessionTicket): only the first counts.
        boolean firstFinish = finished[0] && !handshakeDone;
        if (firstFinish) {
            handshakeDone = true;
            ByteString pending = held;
            held = ByteString.emptyByteString();
            out = out.concat(wrap(pending));
        }
        return new Received(plaintext, out, firstFinish, closed);
    }

    /** Network bytes carrying {@code plaintext}; empty (and held) until the handshake is done. */
    public ByteString send(ByteString plaintext) throws SSLException {
        if (!handshakeDone) {
            held = held.concat(plaintext);
            return ByteString.emptyByteString();
        }
        return wrap(plaintext);
    }

    /** A close_notify alert, to write before closing the socket; empty when it cannot be made. */
    public ByteString close() {
        engine.closeOutbound();
        try {
            return wrapHandshake(ByteString.emptyByteString(), new boolean[1]);
        } catch (SSLException e) {
            return ByteString.emptyByteString();
        }
    }

    public boolean handshakeDone() {
        return handshakeDone;
    }

    /** "TLSv1.3 TLS_AES_128_GCM_SHA256", for the log. */
    public String description() {
        SSLSession s = engine.getSession();
        return s.getProtocol() + " " + s.getCipherSuite();
    }

    private ByteString wrap(ByteString plaintext) throws SSLException {
        ByteBuffer app = plaintext.asByteBuffer();
        ByteString out = ByteString.emptyByteString();
        ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        while (app.hasRemaining()) {
            SSLEngineResult r = engine.wrap(app, net);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                net = grow(net, engine.getSession().getPacketBufferSize());
                continue;
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) throw new SSLException("TLS connection closed");
            net.flip();
            out = out.concat(ByteString.fromByteBuffer(net));
            net.clear();
        }
        return out;
    }

    /** Runs tasks and produces handshake (or closing) records while the engine asks to. */
    private ByteString wrapHandshake(ByteString out, boolean[] finished) throws SSLException {
        ByteBuffer empty = ByteBuffer.allocate(0);
        ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        while (true) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                    task.run();
                }
                continue;
            }
            if (hs != HandshakeStatus.NEED_WRAP) return out;
            SSLEngineResult r = engine.wrap(empty, net);
            if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) finished[0] = true;
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                net = grow(net, engine.getSession().getPacketBufferSize());
                continue;
            }
            net.flip();
            out = out.concat(ByteString.fromByteBuffer(net));
            net.clear();
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) return out;
        }
    }

    private void append(ByteString network) {
        if (inbound.remaining() + network.size() > inbound.capacity()) {
            ByteBuffer bigger = ByteBuffer.allocate(
                    Math.max(inbound.capacity() * 2, inbound.remaining() + network.size()));
            bigger.put(inbound);
            bigger.flip();
            inbound = bigger;
        }
        inbound.compact();
        inbound.put(network.asByteBuffer());
        inbound.flip();
    }

    private static ByteBuffer grow(ByteBuffer buffer, int atLeast) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, atLeast));
        buffer.flip();
        bigger.put(buffer);
        return bigger;
    }
}
