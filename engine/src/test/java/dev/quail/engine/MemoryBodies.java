package dev.quail.engine;

import dev.quail.persistence.body.Body;
import dev.quail.persistence.body.BodyStore;
import dev.quail.persistence.body.BodyWriter;
import dev.quail.persistence.body.ChunkStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A body store in memory, for actor and edge tests that do not need the journal's; {@link #failAfter} makes chunk
 * writes fail, as a full disk would.
 */
public final class MemoryBodies implements BodyStore, ChunkStore {
    private final Map<String, byte[]> chunks = new ConcurrentHashMap<>();
    private final AtomicInteger writesLeft = new AtomicInteger(Integer.MAX_VALUE);

    @Override
    public BodyWriter writer(String owner) {
        return new BodyWriter(this, owner);
    }

    @Override
    public InputStream open(String owner, Body body) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < body.chunks(); i++) all.writeBytes(chunks.get(owner + "/" + i));
        all.writeBytes(body.tail());
        return new ByteArrayInputStream(all.toByteArray());
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
}
