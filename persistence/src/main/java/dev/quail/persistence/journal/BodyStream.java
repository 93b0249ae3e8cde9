/*
 * BodyStream: a stored body read back as it is consumed. A stored chunk is fetched only once the one before it is
 * used up, so a reader holds one chunk of a body at a time however large the body; the inline tail comes last.
 * Public for the other body stores (dev.quail.persistence.jdbc), which read chunks from elsewhere.
 */
package dev.quail.persistence.journal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

public final class BodyStream extends InputStream {
    /** Fetches stored chunk {@code index}; an IOException if it is missing or unreadable. */
    public interface Chunks {
        byte[] get(int index) throws IOException;
    }

    private final Chunks chunks;
    private final int count;
    private final byte[] tail;
    private byte[] current = new byte[0];
    private int position;
    private int next;
    private boolean closed;

    public BodyStream(Chunks chunks, int count, byte[] tail) {
        this.chunks = chunks;
        this.count = count;
        this.tail = tail;
    }

    @Override
    public int read() throws IOException {
        return ready() ? current[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, into.length);
        if (length == 0) return 0;
        if (!ready()) return -1;
        int n = Math.min(length, current.length - position);
        System.arraycopy(current, position, into, offset, n);
        position += n;
        return n;
    }

    @Override
    public int available() {
        return closed ? 0 : current.length - position;
    }

    @Override
    public void close() {
        closed = true;
        current = new byte[0];
        position = 0;
    }

    /** Whether a byte is at hand, fetching the next chunk (or the tail) when the current one is used up. */
    private boolean ready() throws IOException {
        if (closed) throw new IOException("body stream closed");
        while (position == current.length) {
            if (next > count) return false;
            current = next < count ? chunks.get(next) : tail;
            next++;
            position = 0;
        }
        return true;
    }
}
