/*
 * MboxWriter: appends one message to an mbox file, as qmail-local's mailfile() (QMAIL-REFERENCE §7.3).
 *
 *  MBOX-01 the file is opened write-only for appending, created mode 0600 if missing.
 *  MBOX-02 an exclusive lock is taken, waiting at most {@code lockWait} (qmail: 30 s) ⇒ else LOCKED; if the
 *          file system cannot lock at all the delivery goes on unlocked, as qmail's does.
 *  MBOX-03 the end offset is recorded; head (UFLINE, RPLINE, DTLINE) and the quoted message
 *          ({@link MboxFormat.Quoting}, streamed from its InputStream a buffer at a time, so a message of any
 *          size costs two buffers of heap) are written, then fsync'd.
 *  MBOX-04 on an error reading the message or writing the file, the file is truncated back to the recorded
 *          offset (only when locked: without the lock another writer may have appended after us).
 *
 * The lock is FileChannel.lock, which Linux implements with fcntl (POSIX record locks), the lock Python's
 * mailbox and mutt take too; qmail's flock would not exclude them. Another delivery of this JVM to the same
 * file holds the lock through another channel (OverlappingFileLockException): that counts as "locked" and is
 * waited for like any other holder.
 * MBOX-05: anyone who can lock the file can hold up delivery; mbox files must not be shared.
 */
package dev.quail.persistence.mbox;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;

public final class MboxWriter {
    private static final long POLL_MILLIS = 20;
    private static final int BUFFER = 64 * 1024;

    private final Duration lockWait;

    public MboxWriter(Duration lockWait) {
        this.lockWait = lockWait;
    }

    /**
     * Appends {@code head} then the rest of {@code message} (read, not closed) in mbox form; any failure is an
     * {@link MboxException}.
     */
    public void deliver(Path file, byte[] head, InputStream message) throws MboxException {
        FileChannel channel = open(file);
        try {
            append(channel, lock(channel), head, message);
        } finally {
            try {
                channel.close(); // releases the lock; the entry is already fsync'd
            } catch (IOException ignored) {
                // nothing left to lose
            }
        }
    }

    private static FileChannel open(Path file) throws MboxException {
        try {
            return FileChannel.open(file,
                    Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException | UnsupportedOperationException e) {
            throw new MboxException(MboxException.Kind.OPEN, reason(e), e);
        }
    }

    private static void append(FileChannel channel, boolean locked, byte[] head, InputStream message)
            throws MboxException {
        long start = -1;
        try {
            start = channel.size();
            // not closed: that would close the channel, which deliver() does once the lock may go
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER);
            out.write(head);
            MboxFormat.Quoting entry = new MboxFormat.Quoting(out);
            byte[] buffer = new byte[BUFFER];
            int n;
            while ((n = read(message, buffer)) >= 0) {
                entry.write(buffer, 0, n);
            }
            entry.finish();
            out.flush();
            channel.force(true);
        } catch (MboxException unreadable) {
            if (locked && start >= 0) {
                truncateBack(channel, start, unreadable);
            }
            throw unreadable;
        } catch (IOException e) {
            if (locked && start >= 0) {
                truncateBack(channel, start, e);
            }
            throw new MboxException(MboxException.Kind.WRITE, reason(e), e);
        }
    }

    private static int read(InputStream message, byte[] buffer) throws MboxException {
        try {
            return message.read(buffer);
        } catch (IOException e) {
            throw new MboxException(MboxException.Kind.READ, reason(e), e);
        }
    }

    /** True once locked; false when this file system cannot lock (MBOX-02: deliver anyway). */
    private boolean lock(FileChannel channel) throws MboxException {
        long deadline = System.nanoTime() + lockWait.toNanos();
        while (true) {
            try {
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    return true;
                }
            } catch (OverlappingFileLockException heldHere) {
                // another delivery in this JVM has it: wait like for any other holder
            } catch (IOException cannotLock) {
                return false;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new MboxException(MboxException.Kind.LOCKED, "locked for " + lockWait.toSeconds() + " s", null);
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MboxException(MboxException.Kind.LOCKED, "interrupted while waiting for the lock", e);
            }
        }
    }

    private static void truncateBack(FileChannel channel, long size, IOException failure) {
        try {
            channel.truncate(size);
            channel.force(true);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** A short reason in the spirit of qmail's error_str: "file does not exist", "access denied"... */
    static String reason(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "file does not exist";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "access denied";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
