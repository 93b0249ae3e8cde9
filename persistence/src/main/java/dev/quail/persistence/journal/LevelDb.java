/*
 * LevelDb: opens the journal's iq80 LevelDB database with Quail's options, at start and whenever the writer
 * reopens it after a failure.
 *
 * Files go through FileChannels, not memory maps (leveldb.mmap=false, set before iq80's factory is loaded; see
 * JournalStore's header for why a memory-mapped log is not durable enough). No compression: the journal is
 * CPU-bound, most entries are deleted within seconds, and bodies are short-lived. A 32 MiB memtable means fewer
 * level-0 flushes of entries that are about to be deleted.
 *
 * A failed open leaks iq80's LOCK: DbImpl's constructor takes the file lock first and does not release it when
 * recovery fails after (a full disk while the log is turned into a table), and the JVM then refuses every later
 * lock of that file (OverlappingFileLockException) until the lost lock is garbage-collected. So after a failed
 * open that got as far as the lock, the LOCK file is deleted: the next attempt locks a fresh file. The lost lock
 * is on an unlinked file that no other process can reach, so two opens of one database still exclude each other.
 * A lock refused (by another process, or by a live open in this JVM, since a lost lock of ours never stays on the
 * current LOCK file) leaves the file alone.
 */
package dev.quail.persistence.journal;

import java.io.IOException;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.iq80.leveldb.CompressionType;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.impl.Iq80DBFactory;

final class LevelDb {
    static {
        System.setProperty("leveldb.mmap", "false");
    }

    private LevelDb() {
    }

    /** Opens (creating if missing) the database in {@code dir}. */
    static DB open(Path dir) throws IOException {
        if (Iq80DBFactory.USE_MMAP) {
            throw new IOException("iq80 LevelDB was loaded with memory-mapped files before the journal could turn"
                    + " them off (leveldb.mmap); synced writes would not be durable");
        }
        Files.createDirectories(dir);
        try {
            return Iq80DBFactory.factory.open(dir.toFile(), new Options().createIfMissing(true)
                    .compressionType(CompressionType.NONE).writeBufferSize(32 << 20));
        } catch (IOException | RuntimeException e) {
            if (!lockedElsewhere(e)) {
                Files.deleteIfExists(dir.resolve("LOCK"));
            }
            throw e;
        }
    }

    /** Whether the open failed because another open holds the lock. */
    private static boolean lockedElsewhere(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof OverlappingFileLockException || cause instanceof IOException
                    && cause.getMessage() != null && cause.getMessage().startsWith("Unable to acquire lock")) {
                return true;
            }
        }
        return false;
    }
}
