/*
 * Maildir.make is maildirmake (MDMAKE-01): tmp, new, cur, all mode 0700, and
 * never over an existing directory.
 */
package dev.quail.persistence.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaildirTest {
    @TempDir
    Path root;

    @Test
    void mdmake01CreatesTmpNewCurPrivateToTheOwner() throws Exception {
        Path dir = root.resolve("Maildir");
        Maildir.make(dir);
        for (Path made : new Path[] {dir, dir.resolve("tmp"), dir.resolve("new"), dir.resolve("cur")}) {
            assertTrue(Files.isDirectory(made), made.toString());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made)));
        }
        assertTrue(Maildir.isMaildir(dir));
    }

    @Test
    void mdmake01RefusesAnExistingDirectory() throws Exception {
        Path dir = root.resolve("Maildir");
        Files.createDirectory(dir);
        Files.writeString(dir.resolve("keep"), "mine");
        assertThrows(FileAlreadyExistsException.class, () -> Maildir.make(dir));
        assertEquals("mine", Files.readString(dir.resolve("keep")));
        assertFalse(Files.exists(dir.resolve("new")));
    }

    @Test
    void aDirectoryMissingASubdirectoryIsNotAMaildir() throws Exception {
        Path dir = root.resolve("Maildir");
        Maildir.make(dir);
        Files.delete(dir.resolve("cur"));
        assertFalse(Maildir.isMaildir(dir));
        assertFalse(Maildir.isMaildir(root.resolve("absent")));
    }
}
