package dev.quail.engine.delivery;

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
 * A BodyStore in the heap for delivery tests: bodies are cut into real chunks (through a BodyWriter), so readers
 * meet chunk boundaries as they do with the journal. It counts the streams opened and not closed, and can lose
 * a stored chunk, as a damaged store would.
 */
public final class MemoryBodyStore implements BodyStore, ChunkStore {
    private final Map<String, Map<Integer, byte[]>> chunks = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong read = new AtomicLong();

    /** Stores {@code message} under {@code owner} and returns it as a delivery sees it. */
    public MessageBody put(String owner, byte[] message) {
        BodyWriter writer = writer(owner);
        writer.write(message, 0, message.length).toCompletableFuture().join();
        return new MessageBody(owner, writer.finish());
    }

    /** Forgets stored chunk {@code index} of {@code owner}: reading up to it fails. */
    public void lose(String owner, int index) {
        chunks.get(owner).remove(index);
    }

    /** Bytes read from every stream so far. */
    public long bytesRead() {
        return read.get();
    }

    /** Streams opened and not closed yet. */
    public int openStreams() {
        return open.get();
    }

    @Override
    public BodyWriter writer(String owner) {
        return new BodyWriter(this, owner);
    }

    @Override
    public InputStream open(String owner, Body body) {
        List<InputStream> parts = new ArrayList<>();
        Map<Integer, byte[]> stored = chunks.getOrDefault(owner, Map.of());
        for (int i = 0; i < body.chunks(); i++) {
            byte[] chunk = stored.get(i);
            parts.add(chunk != null ? new ByteArrayInputStream(chunk) : missing(owner, i));
        }
        parts.add(new ByteArrayInputStream(body.tail()));
        open.incrementAndGet();
        return new SequenceInputStream(Collections.enumeration(parts)) {
            private boolean closed;

            @Override
            public int read(byte[] into, int offset, int length) throws IOException {
                int n = super.read(into, offset, length);
                if (n > 0) read.addAndGet(n);
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
        chunks.computeIfAbsent(owner, o -> new ConcurrentHashMap<>()).put(index, chunk);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> deleteChunks(String owner, int count) {
        Map<Integer, byte[]> stored = chunks.get(owner);
        if (stored != null) {
            for (int i = 0; i < count; i++) stored.remove(i);
        }
        return CompletableFuture.completedFuture(null);
    }
}
