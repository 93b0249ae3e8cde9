package dev.quail.engine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.engine.auth.KeyedFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokensTest {
    @TempDir
    Path dir;

    @Test
    void aTokenNamesItsAdminAndOnlyItsHashIsKept() throws Exception {
        Path file = dir.resolve("admintokens");
        AdminTokens tokens = new AdminTokens(new KeyedFile(file));
        String root = tokens.issue("root");
        String ops = tokens.issue("ops");
        assertEquals(Optional.of("root"), tokens.owner(root));
        assertEquals(Optional.of("ops"), tokens.owner(ops));
        assertEquals(Optional.empty(), tokens.owner(root + "x"));
        assertEquals(Optional.empty(), tokens.owner(""));
        assertFalse(Files.readString(file).contains(root));
        assertTrue(Files.getPosixFilePermissions(file).equals(PosixFilePermissions.fromString("rw-------")));
    }

    @Test
    void aNewTokenReplacesTheOldAndABrokenLineIsSkipped() throws Exception {
        Path file = dir.resolve("admintokens");
        Files.writeString(file, "junk:not-hex\nnocolon\n");
        AdminTokens tokens = new AdminTokens(new KeyedFile(file));
        String old = tokens.issue("root");
        String fresh = tokens.issue("root");
        assertEquals(Optional.empty(), tokens.owner(old));
        assertEquals(Optional.of("root"), tokens.owner(fresh));
    }
}
