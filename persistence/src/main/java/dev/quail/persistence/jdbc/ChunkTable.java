/*
 * ChunkTable: message bodies in the shared database, one row of quail_body_chunk per stored chunk, keyed by the
 * owner's persistence id and the chunk's index, so any node can read a body another wrote.
 *
 * Writes go through GroupCommit: a chunk's future completes only once its transaction has committed, which keeps
 * BodyStore's promise (a stored chunk is durable before the Accepted event that refers to it is written). Reads
 * run on the caller's thread (BodyStore.open: an I/O thread) on a pooled connection, one chunk at a time.
 * A chunk written again under the same index replaces the first (a write retried after a failed commit).
 */
package dev.quail.persistence.jdbc;

import dev.quail.persistence.body.Body;
import dev.quail.persistence.body.BodyStore;
import dev.quail.persistence.body.BodyWriter;
import dev.quail.persistence.body.ChunkStore;
import dev.quail.persistence.journal.BodyStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

final class ChunkTable implements BodyStore, ChunkStore {
    private static final String PUT = "INSERT INTO quail_body_chunk (owner, idx, bytes) VALUES (?, ?, ?) "
            + "ON CONFLICT (owner, idx) DO UPDATE SET bytes = excluded.bytes, written = now()";
    private static final String DELETE = "DELETE FROM quail_body_chunk WHERE owner = ? AND idx < ?";
    private static final String GET = "SELECT bytes FROM quail_body_chunk WHERE owner = ? AND idx = ?";

    private final Connections connections;
    private final GroupCommit commit;

    ChunkTable(Connections connections, GroupCommit commit) {
        this.connections = connections;
        this.commit = commit;
    }

    @Override
    public BodyWriter writer(String owner) {
        return new BodyWriter(this, owner);
    }

    @Override
    public InputStream open(String owner, Body body) {
        Pids.check(owner);
        return new BodyStream(index -> get(owner, index), body.chunks(), body.tail());
    }

    @Override
    public CompletableFuture<Void> putChunk(String owner, int index, byte[] chunk) {
        Objects.requireNonNull(chunk, "chunk");
        return Pids.submitFor(owner, () -> commit.submit(chunk.length, connection -> {
            try (PreparedStatement put = Connections.prepare(connection, PUT)) {
                put.setString(1, owner);
                put.setInt(2, index);
                put.setBytes(3, chunk);
                put.executeUpdate();
            }
        }));
    }

    @Override
    public CompletableFuture<Void> deleteChunks(String owner, int count) {
        return Pids.submitFor(owner, () -> commit.submit(0, connection -> {
            try (PreparedStatement delete = Connections.prepare(connection, DELETE)) {
                delete.setString(1, owner);
                delete.setInt(2, count);
                delete.executeUpdate();
            }
        }));
    }

    private byte[] get(String owner, int index) throws IOException {
        byte[] chunk = connections.call("reading chunk " + index + " of the body of " + owner, connection -> {
            try (PreparedStatement get = Connections.prepare(connection, GET)) {
                get.setString(1, owner);
                get.setInt(2, index);
                try (ResultSet row = get.executeQuery()) {
                    return row.next() ? row.getBytes(1) : null;
                }
            }
        });
        if (chunk == null) {
            throw new IOException("chunk " + index + " of the body of " + owner + " is missing");
        }
        return chunk;
    }
}
