/*
 * Maildir: creating and recognising a maildir (maildir(5); MDMAKE-01).
 *
 * make() is qmail's maildirmake: the directory and its tmp/, new/ and cur/
 * subdirectories, each mode 0700 (mail is private to its owner); it fails if
 * the directory already exists, so an existing mailbox is never taken over.
 */
package dev.quail.persistence.maildir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

public final class Maildir {
    static final String TMP = "tmp";
    static final String NEW = "new";
    static final String CUR = "cur";

    private Maildir() {
    }

    /** Creates {@code dir} with tmp/, new/ and cur/, all mode 0700; FileAlreadyExistsException if dir exists. */
    public static void make(Path dir) throws IOException {
        FileAttribute<Set<PosixFilePermission>> owner =
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        Files.createDirectory(dir, owner);
        for (String sub : new String[] {TMP, NEW, CUR}) {
            Files.createDirectory(dir.resolve(sub), owner);
        }
    }

    /** Whether {@code dir} has the three maildir subdirectories. */
    public static boolean isMaildir(Path dir) {
        return Files.isDirectory(dir.resolve(TMP)) && Files.isDirectory(dir.resolve(NEW))
                && Files.isDirectory(dir.resolve(CUR));
    }
}
