/*
 * MaildirMailbox: a reader's access to one Maildir, as qmail-pop3d and maildirwatch use it (POP-11, POP-15,
 * MDWATCH-01; cr.yp.to/proto/maildir.html). Quail's POP3 server reads mailboxes only through this class.
 *
 * scan()   first removes tmp/ files not accessed for 36 hours (a delivery that died half-way; qmail's
 *          maildir_clean), then lists new/ and cur/: regular files not starting with '.', oldest modification
 *          first (ties by name). Each entry's unique name is its file name up to the first ':' — the part a
 *          Maildir reader never changes, hence the POP3 UIDL.
 * read()   the message's bytes.
 * commit() the end of a POP3 session: removes the deleted messages, then renames every kept message still in
 *          new/ to cur/NAME:2, (read or not, as qmail-pop3d does). A rename that fails is left alone: the message
 *          simply stays new.
 *
 * Other readers (Dovecot, a second POP3 session) may move a message between scan and use, from new/ to cur/ or
 * to other flags in cur/. read() and commit() therefore look a message up by its unique name where the scan saw
 * it and, failing that, in new/ and cur/; a message removed meanwhile counts as removed. Nothing here writes a
 * message's content, and every change is one rename or unlink, so concurrent readers and deliveries cannot
 * corrupt the mailbox.
 */
package dev.quail.persistence.maildir;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

public final class MaildirMailbox {
    /** qmail's maildir_clean: a tmp/ file untouched this long belongs to no delivery in progress. */
    static final Duration TMP_AGE = Duration.ofHours(36);

    /** One message as the scan found it: {@code path} relative to the Maildir ("new/NAME", "cur/NAME:2,S"). */
    public record Entry(String path, String unique, Instant modified) {
        public boolean isNew() {
            return path.startsWith(Maildir.NEW + "/");
        }
    }

    private final Path maildir;

    public MaildirMailbox(Path maildir) {
        this.maildir = maildir;
    }

    public Path path() {
        return maildir;
    }

    public List<Entry> scan() throws IOException {
        cleanTmp(Instant.now());
        List<Entry> entries = new ArrayList<>();
        for (String sub : new String[] {Maildir.NEW, Maildir.CUR}) {
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(maildir.resolve(sub))) {
                for (Path file : dir) {
                    String name = file.getFileName().toString();
                    if (name.startsWith(".")) continue;
                    BasicFileAttributes a;
                    try {
                        a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    } catch (NoSuchFileException movedMeanwhile) {
                        continue;
                    }
                    if (!a.isRegularFile()) continue;
                    entries.add(new Entry(sub + "/" + name, unique(name), a.lastModifiedTime().toInstant()));
                }
            }
        }
        entries.sort(Comparator.comparing(Entry::modified).thenComparing(Entry::path));
        return entries;
    }

    /** NoSuchFileException when the message is gone. */
    public byte[] read(Entry entry) throws IOException {
        Path file = locate(entry).orElseThrow(() -> new NoSuchFileException(maildir.resolve(entry.path()).toString()));
        return Files.readAllBytes(file);
    }

    /** Returns false when some deleted message could not be removed (it is still there). */
    public boolean commit(List<Entry> deleted, List<Entry> kept) throws IOException {
        boolean allRemoved = true;
        for (Entry e : deleted) {
            Optional<Path> file = locate(e);
            if (file.isEmpty()) continue;
            try {
                Files.deleteIfExists(file.get());
            } catch (IOException notRemoved) {
                allRemoved = false;
            }
        }
        for (Entry e : kept) {
            if (!e.isNew()) continue;
            try {
                Files.move(maildir.resolve(e.path()), maildir.resolve(Maildir.CUR).resolve(e.unique() + ":2,"),
                        StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException leftNew) {
                // As qmail-pop3d: "if it fails, bummer" — another reader moved it, or it stays new.
            }
        }
        return allRemoved;
    }

    /** Where the message is now: where the scan saw it, else by its unique name in new/ or cur/. */
    private Optional<Path> locate(Entry entry) throws IOException {
        Path seen = maildir.resolve(entry.path());
        if (Files.exists(seen, LinkOption.NOFOLLOW_LINKS)) return Optional.of(seen);
        Path fresh = maildir.resolve(Maildir.NEW).resolve(entry.unique());
        if (Files.exists(fresh, LinkOption.NOFOLLOW_LINKS)) return Optional.of(fresh);
        try (DirectoryStream<Path> cur = Files.newDirectoryStream(maildir.resolve(Maildir.CUR))) {
            for (Path file : cur) {
                if (unique(file.getFileName().toString()).equals(entry.unique())) return Optional.of(file);
            }
        }
        return Optional.empty();
    }

    private void cleanTmp(Instant now) throws IOException {
        try (DirectoryStream<Path> tmp = Files.newDirectoryStream(maildir.resolve(Maildir.TMP))) {
            for (Path file : tmp) {
                try {
                    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    if (a.isRegularFile() && a.lastAccessTime().toInstant().plus(TMP_AGE).isBefore(now)) {
                        Files.deleteIfExists(file);
                    }
                } catch (NoSuchFileException goneMeanwhile) {
                    // a delivery renamed it into new/
                }
            }
        }
    }

    /** The file name up to the first ':' (the info part holds the flags). */
    static String unique(String name) {
        int colon = name.indexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }
}
