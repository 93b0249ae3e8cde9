/*
 * DurableFiles: the tmp → fsync → rename (or link) → fsync-directory sequence shared by Maildir delivery, the
 * maildrop and the id counter. A file written this way is either absent from its target directory or complete
 * there, and stays there after a crash once the call returns (MD-06).
 *
 * Two ways into the target directory:
 * - deliver(): rename, which replaces a file of the same name: for files that are meant to be replaced (the id
 *   counter) or whose names cannot meet another's (the maildrop's).
 * - deliverNew(): link, then unlink of the tmp name (qmail-local's MD-04), which never replaces: a file already
 *   at the target name is a failure (FileAlreadyExistsException), so a delivery can never take the place of
 *   another. The unlink removes a name, not the file (new/ still links it), so it frees nothing: measured here
 *   at about the cost of a rename (0.19 ms against 0.18 ms with the fsync of new/), unlike the deletion of an
 *   fsync'd file (DESIGN "Storage": ~1 ms, serialised), which no success path does.
 *
 * The body is copied from its stream a buffer at a time, so a file of any size costs one buffer of heap.
 * Files are created mode 0600: mail is private to its owner. On any failure before the file reaches the target,
 * the tmp file is removed.
 */
package dev.quail.persistence;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

public final class DurableFiles {
    private static final int BUFFER = 64 * 1024;

    private DurableFiles() {
    }

    /** What goes into a file, written to its channel. */
    @FunctionalInterface
    private interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    /**
     * Writes {@code parts} in order to the new file {@code tmp}, fsyncs and closes it, renames it to
     * {@code target} (replacing a file there) and fsyncs target's directory.
     */
    public static void deliver(Path tmp, Path target, byte[]... parts) throws IOException {
        write(tmp, channel -> {
            for (byte[] part : parts) writeFully(channel, ByteBuffer.wrap(part));
        });
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            removeAfter(tmp, e);
            throw e;
        }
        syncDirectory(target.getParent());
    }

    /**
     * Writes {@code head} then what is left of {@code body} to the new file {@code tmp}, fsyncs and closes it,
     * links it as {@code target} (never replacing a file there), removes the tmp name and fsyncs target's
     * directory. The body stream is read, not closed.
     */
    public static void deliverNew(Path tmp, Path target, byte[] head, InputStream body) throws IOException {
        write(tmp, channel -> {
            writeFully(channel, ByteBuffer.wrap(head));
            byte[] buffer = new byte[BUFFER];
            int n;
            while ((n = body.read(buffer)) >= 0) writeFully(channel, ByteBuffer.wrap(buffer, 0, n));
        });
        try {
            Files.createLink(target, tmp);
        } catch (IOException | RuntimeException e) {
            removeAfter(tmp, e);
            throw e;
        }
        try {
            Files.delete(tmp);
        } catch (IOException leftBehind) {
            // the file is in target now; a tmp name left over is garbage that readers skip and clean (MD-05)
        }
        syncDirectory(target.getParent());
    }

    /** Makes the directory's entries (a rename or link into it) durable; concurrent callers share fsyncs. */
    public static void syncDirectory(Path dir) throws IOException {
        DirectorySync.sync(dir);
    }

    private static void write(Path tmp, Content content) throws IOException {
        try (FileChannel channel = FileChannel.open(tmp,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            content.writeTo(channel);
            channel.force(true);
        } catch (FileAlreadyExistsException e) {
            throw e; // another's tmp file: not ours to remove
        } catch (IOException | RuntimeException e) {
            removeAfter(tmp, e);
            throw e;
        }
    }

    private static void removeAfter(Path tmp, Exception failure) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
