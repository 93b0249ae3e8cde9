package dev.quail.engine;

import dev.quail.persistence.body.Body;
import dev.quail.persistence.body.BodyStore;
import dev.quail.persistence.body.BodyWriter;
import dev.quail.persistence.body.ChunkStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** A body store in memory, for actor tests that do not need the journal's. */
public final class MemoryBodies implements BodyStore, ChunkStore {
    private final Map<String, byte[]> chunks = new ConcurrentHashMap<>();

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
}
