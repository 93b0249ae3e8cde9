/* Atomic control-file writes: whole content or nothing, permissions of an admin-edited file kept. */
package dev.quail.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlWriterTest {
    @TempDir
    Path dir;

    @Test
    void createsTheDirectoryAndWritesOneLinePerEntry() throws IOException {
        Path file = dir.resolve("control").resolve("locals");
        ControlWriter.write(file, List.of("example.com", "other.example"));
        assertEquals("example.com\nother.example\n", Files.readString(file));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(List.of("locals"), List.of(file.getParent().toFile().list()), "no temporary file left");
    }

    @Test
    void replacingKeepsTheFilesPermissions() throws IOException {
        Path file = Files.writeString(dir.resolve("assign"), "old\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        ControlWriter.write(file, List.of("new"));
        assertEquals("new\n", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void aLineWithANewlineIsRefusedAndTheOldFileStays() throws IOException {
        Path file = Files.writeString(dir.resolve("me"), "old\n");
        assertThrows(IllegalArgumentException.class, () -> ControlWriter.write(file, List.of("a\nb")));
        assertEquals("old\n", Files.readString(file));
        assertEquals(List.of("me"), List.of(dir.toFile().list()));
    }
}
