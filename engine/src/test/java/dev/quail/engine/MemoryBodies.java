package dev.quail.engine;

import dev.quail.persistence.body.Body;
import dev.quail.persistence.body.BodyStore;
import dev.quail.persistence.body.BodyWriter;
import dev.quail.persistence.body.ChunkStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A body store in a map, for tests of the front ends: chunks per owner, and a switch that makes every chunk write
 * after the first {@code n} fail, as a full disk would.
 */
public final class MemoryBodies implements BodyStore, ChunkStore {
    private final Map<String, Map<Integer, byte[]>> chunks = new ConcurrentHashMap<>();
    private final AtomicInteger writesLeft = new AtomicInteger(Integer.MAX_VALUE);

    @Override
    public BodyWriter writer(String owner) {
        return new BodyWriter(this, owner);
    }

    @Override
    public InputStream open(String owner, Body body) {
        List<InputStream> parts = new ArrayList<>();
        for (int i = 0; i < body.chunks(); i++) {
            byte[] chunk = chunks.getOrDefault(owner, Map.of()).get(i);
            if (chunk == null) throw new UncheckedIOException(new IOException("chunk " + i + " of " + owner));
            parts.add(new ByteArrayInputStream(chunk));
        }
        parts.add(new ByteArrayInputStream(body.tail()));
        return new SequenceInputStream(Collections.enumeration(parts));
    }

    @Override
    public CompletableFuture<Void> putChunk(String owner, int index, byte[] chunk) {
        if (writesLeft.getAndDecrement() <= 0) return CompletableFuture.failedFuture(new IOException("disk full"));
        chunks.computeIfAbsent(owner, o -> new ConcurrentHashMap<>()).put(index, chunk);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> deleteChunks(String owner, int count) {
        chunks.remove(owner);
        return CompletableFuture.completedFuture(null);
    }

    /** Chunk writes from now on succeed {@code n} times, then fail. */
    public void failAfter(int n) {
        writesLeft.set(n);
    }

    /** Chunks stored, over every owner. */
    public int stored() {
        return chunks.values().stream().mapToInt(Map::size).sum();
    }

    /** The whole body, read back. */
    public byte[] read(String owner, Body body) throws IOException {
        try (InputStream in = open(owner, body)) {
            return in.readAllBytes();
        }
    }
}
