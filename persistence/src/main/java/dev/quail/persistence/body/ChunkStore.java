/*
 * ChunkStore: what a BodyWriter needs of the storage under it: numbered chunks per owner. Writes and deletes
 * of one owner complete in the order they were asked for.
 */
package dev.quail.persistence.body;

import java.util.concurrent.CompletableFuture;

public interface ChunkStore {
    /** Stores chunk {@code index} of {@code owner}; the array is the store's from now on. */
    CompletableFuture<Void> putChunk(String owner, int index, byte[] chunk);

    /** Deletes the first {@code count} chunks of {@code owner}. */
    CompletableFuture<Void> deleteChunks(String owner, int count);
}
