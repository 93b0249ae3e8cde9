/*
 * MaildirToMbox: qmail's maildir2mbox (QMAIL-REFERENCE M2MBOX-01). Moves every message of a maildir into an
 * mbox file without ever leaving a message in neither place:
 *  1. remove tmp/ files not accessed for 36 hours (MD-05, maildir_clean);
 *  2. take the messages of new/ and cur/, oldest first (by mtime, the delivery time); none ⇒ done;
 *  3. lock the mbox (an exclusive lock, waited for) and copy it into the temporary file;
 *  4. append each message: a From_ line from its first line if that is `Return-Path: <...>` (MAILER-DAEMON
 *     for `<>`, XXX when there is none) and its mtime, then the message with >From quoting ({@link MboxFormat});
 *  5. fsync the temporary file, rename it over the mbox (and fsync the directory, a Quail addition);
 *  6. only then remove the maildir files. A file that cannot be removed is reported: it will be moved twice.
 * The temporary file must be on the mbox's file system. Two concurrent runs on one maildir are not safe
 * (as in qmail).
 */
package dev.quail.persistence.mbox;

import dev.quail.config.dotqmail.DeliveryLines;
import dev.quail.persistence.DurableFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

public final class MaildirToMbox {
    private static final Duration STALE_TMP = Duration.ofHours(36);
    private static final String RETURN_PATH = "Return-Path: <";

    private MaildirToMbox() {
    }

    /**
     * Moves the messages; returns how many. {@code warnings} hears about files that could not be removed.
     * Any other trouble is an IOException whose message says what failed, in maildir2mbox's words.
     */
    public static int run(Path maildir, Path mbox, Path mboxTmp, Consumer<String> warnings) throws IOException {
        if (!Files.isDirectory(maildir)) {
            throw new IOException("unable to chdir to $MAILDIR: " + maildir);
        }
        cleanTmp(maildir.resolve("tmp"), Instant.now());
        List<Message> messages = scan(maildir);
        if (messages.isEmpty()) {
            return 0;
        }
        try (FileChannel lockChannel = open(mbox, "unable to lock ", StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            FileLock lock = lockChannel.lock();
            try {
                writeTmp(mbox, mboxTmp, messages);
                try {
                    Files.move(mboxTmp, mbox, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new IOException("unable to move " + mboxTmp + " to " + mbox + ": " + reason(e), e);
                }
                DurableFiles.syncDirectory(mbox.toAbsolutePath().getParent());
            } finally {
                lock.release();
            }
        }
        for (Message m : messages) {
            try {
                Files.delete(m.file());
            } catch (IOException e) {
                warnings.accept("$MAILDIR/" + maildir.relativize(m.file()) + " will be delivered twice; unable to unlink: "
                        + reason(e));
            }
        }
        return messages.size();
    }

    private record Message(Path file, FileTime mtime) {}

    private static void cleanTmp(Path tmp, Instant now) throws IOException {
        if (!Files.isDirectory(tmp)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp)) {
            for (Path f : files) {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                if (a.isRegularFile() && a.lastAccessTime().toInstant().plus(STALE_TMP).isBefore(now)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** MD-05: regular files of new/ and cur/ whose names do not start with '.', oldest first. */
    private static List<Message> scan(Path maildir) throws IOException {
        List<Message> out = new ArrayList<>();
        for (String sub : new String[] {"new", "cur"}) {
            Path dir = maildir.resolve(sub);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                    if (a.isRegularFile() && !f.getFileName().toString().startsWith(".")) {
                        out.add(new Message(f, a.lastModifiedTime()));
                    }
                }
            } catch (IOException e) {
                throw new IOException("unable to scan $MAILDIR: " + reason(e), e);
            }
        }
        out.sort(Comparator.comparing(Message::mtime).thenComparing(m -> m.file().getFileName().toString()));
        return out;
    }

    private static void writeTmp(Path mbox, Path mboxTmp, List<Message> messages) throws IOException {
        try (FileChannel out = open(mboxTmp, "unable to create ", StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream stream = Channels.newOutputStream(out);
            try (InputStream old = Files.newInputStream(mbox)) {
                old.transferTo(stream);
            } catch (IOException e) {
                throw new IOException("unable to read " + mbox + " or write to " + mboxTmp + ": " + reason(e), e);
            }
            for (Message m : messages) {
                byte[] bytes;
                try {
                    bytes = Files.readAllBytes(m.file());
                } catch (IOException e) {
                    throw new IOException("unable to read $MAILDIR/" + m.file().getFileName() + ": " + reason(e), e);
                }
                ByteArrayOutputStream entry = new ByteArrayOutputStream(bytes.length + 100);
                byte[] from = DeliveryLines.ufline(fromOf(bytes), m.mtime().toInstant())
                        .getBytes(StandardCharsets.ISO_8859_1);
                entry.write(from, 0, from.length);
                MboxFormat.appendMessage(entry, bytes);
                try {
                    entry.writeTo(stream);
                } catch (IOException e) {
                    throw new IOException("unable to write to " + mboxTmp + ": " + reason(e), e);
                }
            }
            try {
                out.force(true);
            } catch (IOException e) {
                throw new IOException("unable to write to " + mboxTmp + ": " + reason(e), e);
            }
        }
    }

    /**
     * The sender for the From_ line: from a first line `Return-Path: <x>` (the text between "<" and the
     * line's last two characters, as maildir2mbox cuts it), "" (MAILER-DAEMON) for `<>`, else "XXX".
     */
    static String fromOf(byte[] message) {
        int nl = 0;
        while (nl < message.length && message[nl] != '\n') {
            nl++;
        }
        if (nl == message.length) {
            return "XXX";
        }
        String first = new String(message, 0, nl + 1, StandardCharsets.ISO_8859_1);
        if (!first.startsWith(RETURN_PATH) || first.length() < RETURN_PATH.length() + 1) {
            return "XXX";
        }
        if (first.charAt(RETURN_PATH.length()) == '>') {
            return "";
        }
        return first.substring(RETURN_PATH.length(), Math.max(RETURN_PATH.length(), first.length() - 2));
    }

    private static FileChannel open(Path file, String what, StandardOpenOption... options) throws IOException {
        try {
            return FileChannel.open(file, Set.of(options),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException e) {
            throw new IOException(what + file + ": " + reason(e), e);
        }
    }

    private static String reason(IOException e) {
        return MboxWriter.reason(e);
    }
}
