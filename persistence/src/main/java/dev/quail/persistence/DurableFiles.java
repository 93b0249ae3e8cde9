/*
 * DurableFiles: the tmp → fsync → rename → fsync-directory sequence shared by
 * Maildir delivery and the maildrop. A file written this way is either absent
 * from its target directory or complete there, and stays there after a crash
 * once deliver() returns (MD-06).
 *
 * rename, not link + unlink: deleting an fsync'd file costs ~1 ms serialised
 * across the disk (DESIGN "Storage"), so no unlink is on the success path.
 * Files are created mode 0600: mail is private to its owner.
 */
package dev.quail.persistence;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

public final class DurableFiles {
    private DurableFiles() {
    }

    /**
     * Writes {@code parts} in order to the new file {@code tmp}, fsyncs and closes it, renames it to
     * {@code target} and fsyncs target's directory. On failure before the rename, tmp is removed.
     */
    public static void deliver(Path tmp, Path target, byte[]... parts) throws IOException {
        try {
            try (FileChannel channel = FileChannel.open(tmp,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                for (byte[] part : parts) {
                    writeFully(channel, part);
                }
                channel.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        syncDirectory(target.getParent());
    }

    /** Makes the directory's entries (a rename into it) durable; concurrent callers share fsyncs. */
    public static void syncDirectory(Path dir) throws IOException {
        DirectorySync.sync(dir);
    }

    private static void writeFully(FileChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
