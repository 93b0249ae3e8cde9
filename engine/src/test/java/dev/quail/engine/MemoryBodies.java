package dev.quail.engine;

import dev.quail.engine.delivery.MessageBody;
import dev.quail.persistence.body.Body;
import dev.quail.persistence.body.BodyStore;
import dev.quail.persistence.body.BodyWriter;
import dev.quail.persistence.body.ChunkStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A body store in memory, for actor and edge tests that do not need the journal's. Bodies are cut into real chunks
 * (through a BodyWriter) and read back chunk by chunk, so readers meet chunk boundaries as they do with the journal.
 * {@link #failAfter} makes chunk writes fail, as a full disk would; for delivery tests it counts the bytes read and
 * the streams not closed yet, and can lose a stored chunk, as a damaged store would.
 */
public final class MemoryBodies implements BodyStore, ChunkStore {
    private final Map<String, byte[]> chunks = new ConcurrentHashMap<>();
    private final AtomicInteger writesLeft = new AtomicInteger(Integer.MAX_VALUE);
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong consumed = new AtomicLong();

    /** Stores {@code message} under {@code owner} and returns it as a delivery sees it. */
    public MessageBody put(String owner, byte[] message) {
        BodyWriter writer = writer(owner);
        writer.write(message, 0, message.length).toCompletableFuture().join();
        return new MessageBody(owner, writer.finish());
    }

    /** Forgets stored chunk {@code index} of {@code owner}: reading up to it fails. */
    public void lose(String owner, int index) {
        chunks.remove(owner + "/" + index);
    }

    @Override
    public BodyWriter writer(String owner) {
        return new BodyWriter(this, owner);
    }

    @Override
    public InputStream open(String owner, Body body) {
        List<InputStream> parts = new ArrayList<>();
        for (int i = 0; i < body.chunks(); i++) {
            byte[] chunk = chunks.get(owner + "/" + i);
            parts.add(chunk != null ? new ByteArrayInputStream(chunk) : missing(owner, i));
        }
        parts.add(new ByteArrayInputStream(body.tail()));
        open.incrementAndGet();
        return new SequenceInputStream(Collections.enumeration(parts)) {
            private boolean closed;

            @Override
            public int read(byte[] into, int offset, int length) throws IOException {
                int n = super.read(into, offset, length);
                if (n > 0) consumed.addAndGet(n);
                return n;
            }

            @Override
            public void close() throws IOException {
                if (!closed) open.decrementAndGet();
                closed = true;
                super.close();
            }
        };
    }

    private static InputStream missing(String owner, int index) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("chunk " + index + " of " + owner + " is missing");
            }
        };
    }

    @Override
    public CompletableFuture<Void> putChunk(String owner, int index, byte[] chunk) {
        if (writesLeft.getAndDecrement() <= 0) return CompletableFuture.failedFuture(new IOException("disk full"));
        chunks.put(owner + "/" + index, chunk);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> deleteChunks(String owner, int count) {
        for (int i = 0; i < count; i++) chunks.remove(owner + "/" + i);
        return CompletableFuture.completedFuture(null);
    }

    /** How many chunks are stored, all owners together. */
    public int stored() {
        return chunks.size();
    }

    /** Chunk writes from now on succeed {@code n} times, then fail. */
    public void failAfter(int n) {
        writesLeft.set(n);
    }

    /** The whole body, read back. */
    public byte[] read(String owner, Body body) throws IOException {
        try (InputStream in = open(owner, body)) {
            return in.readAllBytes();
        }
    }

    /** Bytes read from every stream so far. */
    public long bytesRead() {
        return consumed.get();
    }

    /** Streams opened and not closed yet. */
    public int openStreams() {
        return open.get();
    }
}
