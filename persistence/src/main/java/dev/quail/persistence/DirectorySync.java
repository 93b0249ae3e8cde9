/*
 * DirectorySync: group commit for directory fsyncs. Ten deliveries renamed into the same Maildir's new/ at
 * the same moment need their directory entries on disk, not ten fsyncs of new/: a caller whose request came
 * before an fsync of the directory started is covered by that fsync. One fsync runs per directory at a time;
 * callers that arrive meanwhile share the next one.
 */
package dev.quail.persistence;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

final class DirectorySync {
    private static final ConcurrentHashMap<Path, DirectorySync> DIRECTORIES = new ConcurrentHashMap<>();

    private final Path dir;
    private final AtomicLong requested = new AtomicLong();
    /** Requests up to this number are durable; guarded by {@code this}, which also serialises the fsyncs. */
    private long durable;
    private final AtomicLong fsyncs = new AtomicLong();

    private DirectorySync(Path dir) {
        this.dir = dir;
    }

    static void sync(Path dir) throws IOException {
        of(dir).await();
    }

    static DirectorySync of(Path dir) {
        return DIRECTORIES.computeIfAbsent(dir.toAbsolutePath().normalize(), DirectorySync::new);
    }

    /** How many fsyncs this directory has had: fewer than sync() calls when they overlap. */
    long fsyncs() {
        return fsyncs.get();
    }

    private void await() throws IOException {
        long mine = requested.incrementAndGet();
        synchronized (this) {
            if (durable >= mine) return;
            long covered = requested.get();
            try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
                channel.force(true);
            }
            fsyncs.incrementAndGet();
            durable = covered;
        }
    }
}
