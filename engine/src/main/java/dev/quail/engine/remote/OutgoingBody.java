package dev.quail.engine.remote;

import dev.quail.engine.delivery.MessageBody;
import dev.quail.persistence.body.BodyStore;
import dev.quail.protocols.smtpclient.DataEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * A queued message on its way to a remote server, as the edge that owns the socket writes it: read from the
 * {@link BodyStore} one chunk at a time on an I/O executor (reads block), for SMTP each chunk encoded as it
 * comes ({@link DataEncoder}) with the end of data after the last, for QMTP as stored. The edge asks for the
 * next piece only when the socket has taken enough of the ones before, so a message costs it a few chunks of
 * heap whatever its size.
 *
 * <p>A store that gives back more or fewer bytes than the body's record says is a read error, never a message
 * sent short or long. Pieces are asked for one at a time, each after the one before has arrived; cancel() may
 * come at any time (the connection ended) and closes the stream once no read is in flight.
 */
final class OutgoingBody {
    /** One piece to write; the last one ends the message (with the end of data, for SMTP). */
    record Piece(byte[] bytes, boolean last) {}

    private final MessageBody body;
    private final BodyStore store;
    private final Executor io;
    private final DataEncoder encoder;
    private final Stamp stamp;
    private final String sender;
    private final List<String> recipients;
    private CompletableFuture<Optional<Piece>> reading = CompletableFuture.completedFuture(Optional.empty());
    /** Only the read tasks touch these, one at a time. */
    private InputStream in;
    private long read;
    private boolean ended;
    private boolean closed;

    private OutgoingBody(MessageBody body, BodyStore store, Executor io, DataEncoder encoder, Stamp stamp,
                         String sender, List<String> recipients) {
        this.body = body;
        this.sender = sender;
        this.recipients = recipients;
        this.store = store;
        this.io = io;
        this.encoder = encoder;
        this.stamp = stamp;
    }

    /** The DATA of an SMTP transaction from {@code sender} to {@code recipients}, after the stamp's fields. */
    static OutgoingBody smtp(MessageBody body, BodyStore store, Executor io, Stamp stamp, String sender,
                             List<String> recipients) {
        return new OutgoingBody(body, store, io, new DataEncoder(), stamp, sender, recipients);
    }

    /** The message as stored (QMTP's netstring around it is the caller's). */
    static OutgoingBody stored(MessageBody body, BodyStore store, Executor io) {
        return new OutgoingBody(body, store, io, null, Stamp.NONE, "", List.of());
    }

    /** The next piece, empty after the last; fails with the IOException that stopped the read. */
    CompletionStage<Optional<Piece>> next() {
        reading = CompletableFuture.supplyAsync(this::read, io);
        return reading;
    }

    /** No more pieces will be asked for: the stream is closed once the read in flight, if any, is over. */
    void cancel() {
        reading.whenCompleteAsync((piece, failure) -> close(), io);
    }

    private Optional<Piece> read() {
        if (ended) return Optional.empty();
        try {
            if (closed) throw new IOException("cancelled");
            if (in == null) {
                Optional<byte[]> field = stamp.read(sender, recipients, body, store);
                in = body.open(store);
                if (field.isPresent()) {
                    byte[] f = field.get();
                    return Optional.of(new Piece(encoder == null ? f : encoder.encode(f, 0, f.length), false));
                }
            }
            byte[] chunk = in.readNBytes(BodyStore.CHUNK);
            read += chunk.length;
            long size = body.body().size();
            if (read > size) throw new IOException("the store has more than the body's " + size + " bytes");
            byte[] piece = encoder == null ? chunk : encoder.encode(chunk, 0, chunk.length);
            if (chunk.length == BodyStore.CHUNK) return Optional.of(new Piece(piece, false));
            if (read < size) throw new IOException("the body ended after " + read + " of its " + size + " bytes");
            ended = true;
            close();
            return Optional.of(new Piece(encoder == null ? piece : append(piece, encoder.finish()), true));
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static byte[] append(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private void close() {
        if (closed) return;
        closed = true;
        if (in == null) return;
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing was lost: the message stays in the store
        }
    }
}
