/*
 * Body: where a queued message's bytes are, as its Accepted event records them. The first `chunks` chunks of
 * BodyStore.CHUNK bytes each are stored under the message's persistence id (BodyStore); the rest, at most one
 * chunk, travels inline in the event as `tail`. A message of up to one chunk, most mail, is therefore stored
 * whole in its Accepted event, as before bodies were chunked; a larger one costs its actor one chunk of heap.
 *
 * size = chunks * CHUNK + tail.length, and a non-empty body has a non-empty tail (a writer keeps its last chunk
 * back until it knows no byte follows), so the last byte, which decides how a body can be sent on (a last line
 * without LF), is always at hand. eightBit: some byte is above 127 (BODY=8BITMIME on the way out).
 * Bodies recorded before chunking (the journal's version 1 events) have no stored chunks and a tail of any size.
 *
 * The tail array is kept, not copied: do not change it.
 */
package dev.quail.persistence.body;

import java.util.Arrays;
import java.util.Objects;

public record Body(long size, int chunks, byte[] tail, boolean eightBit) {
    public Body {
        Objects.requireNonNull(tail, "tail");
        if (chunks < 0 || size != (long) chunks * BodyStore.CHUNK + tail.length) {
            throw new IllegalArgumentException("size " + size + " is not " + chunks + " chunks + " + tail.length);
        }
        if (size > 0 && tail.length == 0) throw new IllegalArgumentException("a non-empty body has a tail");
    }

    /** A body held whole in its event. */
    public static Body inline(byte[] bytes) {
        return new Body(bytes.length, 0, bytes, EightBit.any(bytes, 0, bytes.length));
    }

    /** Whether the last line lacks its LF: such a message cannot be sent over SMTP faithfully (qmail: #5.6.2). */
    public boolean partialFinalLine() {
        return tail.length > 0 && tail[tail.length - 1] != '\n';
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Body that && size == that.size && chunks == that.chunks
                && eightBit == that.eightBit && Arrays.equals(tail, that.tail);
    }

    @Override
    public int hashCode() {
        return Objects.hash(size, chunks, eightBit, Arrays.hashCode(tail));
    }

    @Override
    public String toString() {
        return "Body[" + size + " bytes, " + chunks + " stored chunks" + (eightBit ? ", 8bit" : "") + "]";
    }

    /** The 8-bit test, shared with the writer. */
    static final class EightBit {
        private EightBit() {}

        static boolean any(byte[] bytes, int from, int to) {
            for (int i = from; i < to; i++) {
                if (bytes[i] < 0) return true;
            }
            return false;
        }
    }
}
