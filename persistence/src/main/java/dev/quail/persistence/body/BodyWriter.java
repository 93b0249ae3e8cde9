/*
 * BodyWriter: one message's body on its way into the BodyStore. Bytes are gathered into a chunk of
 * BodyStore.CHUNK bytes; a full chunk is stored only once a byte beyond it arrives, so the last chunk is always
 * the one finish() returns as the Body's inline tail. At most one chunk (plus the one being stored) is held.
 *
 * Back-pressure is the caller's: write() answers a stage that completes when the chunks it filled are stored;
 * give it nothing more until then. Not thread-safe: one message, one caller at a time.
 */
package dev.quail.persistence.body;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

public final class BodyWriter {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final ChunkStore store;
    private final String owner;
    private byte[] chunk = new byte[BodyStore.CHUNK];
    private int filled;
    private int stored;
    private boolean eightBit;
    private CompletableFuture<Void> lastPut = DONE;
    private boolean ended;

    public BodyWriter(ChunkStore store, String owner) {
        this.store = store;
        this.owner = owner;
    }

    /** The persistence id the chunks are stored under. */
    public String owner() {
        return owner;
    }

    /** Appends a copy of {@code bytes[offset, offset + length)}. */
    public CompletionStage<Void> write(byte[] bytes, int offset, int length) {
        if (ended) throw new IllegalStateException("body of " + owner + " already finished or aborted");
        eightBit = eightBit || Body.EightBit.any(bytes, offset, offset + length);
        CompletableFuture<Void> put = DONE;
        int at = offset;
        int end = offset + length;
        while (at < end) {
            if (filled == chunk.length) put = CompletableFuture.allOf(put, storeChunk());
            int n = Math.min(end - at, chunk.length - filled);
            System.arraycopy(bytes, at, chunk, filled, n);
            filled += n;
            at += n;
        }
        return put;
    }

    /** The body written; call once, after the last write's stage completed. */
    public Body finish() {
        ended = true;
        byte[] tail = filled == chunk.length ? chunk : java.util.Arrays.copyOf(chunk, filled);
        chunk = null;
        return new Body((long) stored * BodyStore.CHUNK + tail.length, stored, tail, eightBit);
    }

    /** Forgets the body: the message was refused or abandoned. Deletes whatever chunks were stored. */
    public CompletionStage<Void> abort() {
        ended = true;
        chunk = null;
        if (stored == 0) return DONE;
        int count = stored;
        return lastPut.handle((ok, failure) -> null).thenCompose(x -> store.deleteChunks(owner, count));
    }

    private CompletableFuture<Void> storeChunk() {
        lastPut = store.putChunk(owner, stored++, chunk);
        chunk = new byte[BodyStore.CHUNK];
        filled = 0;
        return lastPut;
    }
}
