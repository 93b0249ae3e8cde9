/*
 * BodyStore: message bodies off the heap. A front end streams a message into a BodyWriter as it arrives, one
 * chunk at a time, and hands the Body it finishes with to the queue, which records it in the message's Accepted
 * event; a delivery streams it back with open(). Chunks belong to the persistence id they were written under
 * (the message's) and go with that id's last event: when the journal deletes every event of a message, its
 * chunks go in the same write.
 *
 * Durability: a chunk whose write has completed is on stable storage no later than the first synced journal
 * write that completes after it, so the Accepted event of a message (written synced, after its last chunk)
 * makes the whole body durable: `250` still means envelope and body are on disk.
 * Chunks of a message that never got its Accepted event (a refused message, a client gone mid-DATA, a crash)
 * are deleted by BodyWriter.abort(), or at the next start.
 */
package dev.quail.persistence.body;

import java.io.InputStream;

public interface BodyStore {
    /** Bytes per stored chunk: what a writer or a reader holds of one body at a time. */
    int CHUNK = 64 * 1024;

    /** A writer for the body of the message journaled under persistence id {@code owner}. */
    BodyWriter writer(String owner);

    /**
     * The body's bytes in order: its stored chunks, read one at a time as the stream is consumed, then its tail.
     * Reads block: call from an I/O thread. A missing chunk is an IOException from read().
     */
    InputStream open(String owner, Body body);
}
