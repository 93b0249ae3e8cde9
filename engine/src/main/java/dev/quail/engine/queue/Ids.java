package dev.quail.engine.queue;

import dev.quail.persistence.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Message ids, collision-free by construction: a counter that only grows, persisted in blocks (queue/ids holds
 * the first number not yet reserved, written with fsync before any number of a new block is used), in base 36,
 * with this node's name after a dot when it has one. Neither a clock that steps back nor a restart can repeat an
 * id, so a persistence id names one message forever (the journal relies on that when it forgets finished ones).
 * A new file starts the counter at the current time in microseconds, above every id of the clock-based scheme
 * used before, so an old journal's messages keep theirs. Thread-safe: every front end draws from one Ids.
 */
public final class Ids {
    static final long BLOCK = 1 << 16;

    private final Path file;
    private final String suffix;
    private long next;
    private long reserved;

    private Ids(Path file, String node, long first) {
        this.file = file;
        this.suffix = node.isEmpty() ? "" : "." + node;
        this.next = first;
        this.reserved = first;
    }

    /** The ids of {@code file}'s counter; {@code node} is empty on a single node. */
    public static Ids open(Path file, String node) throws IOException {
        long first = Files.exists(file)
                ? Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip())
                : TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
        Ids ids = new Ids(file, node, first);
        ids.reserve();
        return ids;
    }

    public synchronized String next() {
        if (next == reserved) {
            try {
                reserve();
            } catch (IOException e) {
                throw new IllegalStateException("unable to reserve message ids in " + file + ": " + e.getMessage(), e);
            }
        }
        return Long.toString(next++, 36) + suffix;
    }

    private void reserve() throws IOException {
        long end = reserved + BLOCK;
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp); // left by a crash mid-write: the file itself still holds the last mark
        DurableFiles.deliver(tmp, file, Long.toString(end).getBytes(StandardCharsets.US_ASCII), new byte[0]);
        reserved = end;
    }
}
