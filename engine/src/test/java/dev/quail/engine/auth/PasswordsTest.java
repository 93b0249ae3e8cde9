package dev.quail.engine.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordsTest {
    @TempDir
    Path dir;

    @Test
    void checksOnlyTheRightPasswordOfAKnownAddress() throws Exception {
        Passwords p = new Passwords(dir.resolve("passwords"));
        p.set("Alice@Example.org", "s3cret".toCharArray());
        p.set("bob@example.org", "other".toCharArray());
        assertTrue(p.check("alice@example.org", "s3cret".toCharArray()));
        assertFalse(p.check("alice@example.org", "s3cret ".toCharArray()));
        assertFalse(p.check("alice@example.org", "".toCharArray()));
        assertFalse(p.check("carol@example.org", "s3cret".toCharArray()));
        assertTrue(p.check("bob@example.org", "other".toCharArray()));
    }

    /** An unknown address costs what a known one does: the dummy is a valid hash of the same cost. */
    @Test
    void theDummyHashIsAValidBcryptOfTheSameCost() throws Exception {
        assertTrue(Passwords.DUMMY.startsWith("$2y$" + Passwords.COST + "$"), Passwords.DUMMY);
        assertFalse(org.bouncycastle.crypto.generators.OpenBSDBCrypt.checkPassword(Passwords.DUMMY,
                "y".toCharArray()));
    }

    @Test
    void aNewPasswordReplacesTheOldAndTheFileIsPrivate() throws Exception {
        Path file = dir.resolve("passwords");
        Passwords p = new Passwords(file);
        p.set("alice@example.org", "one".toCharArray());
        p.set("alice@example.org", "two".toCharArray());
        assertFalse(p.check("alice@example.org", "one".toCharArray()));
        assertTrue(p.check("alice@example.org", "two".toCharArray()));
        assertTrue(Files.readString(file).startsWith("alice@example.org:$2"), "a bcrypt hash, never the password");
        assertFalse(Files.readString(file).contains("two"));
        assertTrue(Files.getPosixFilePermissions(file).equals(PosixFilePermissions.fromString("rw-------")));
    }

    @Test
    void aFileThatWasReadableByOthersIsReplacedByAPrivateOne() throws Exception {
        Path file = dir.resolve("passwords");
        Files.writeString(file, "# old\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        new Passwords(file).set("alice@example.org", "one".toCharArray());
        assertTrue(Files.getPosixFilePermissions(file).equals(PosixFilePermissions.fromString("rw-------")));
        try (var left = Files.list(dir)) {
            assertTrue(left.allMatch(file::equals), "no temporary file left behind");
        }
    }
}
