/*
 * Configuration changes apply without a restart, atomically (issue 4): a changed file is installed only after it
 * stayed the same for one check, so a half-written file never takes effect, and a change that does not load
 * leaves the previous configuration in place.
 */
package dev.quail.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlsTest {
    @TempDir
    Path root;

    @Test
    void aChangeIsInstalledOnlyOnceItHasStayedTheSameForOneCheck() throws IOException {
        Home home = new Home(root);
        home.ensureDirectories();
        Files.writeString(home.control("locals"), "example.com\n");
        Controls controls = new Controls(home);
        Files.writeString(home.control("locals"), "example.com\nexample.n"); // caught half-written
        assertFalse(controls.reloadIfChanged());
        Files.writeString(home.control("locals"), "example.com\nexample.net\n");
        assertFalse(controls.reloadIfChanged(), "changed again since the last check: not stable yet");
        assertEquals(Set.of("example.com"), controls.current().control().locals());
        assertTrue(controls.reloadIfChanged());
        assertEquals(Set.of("example.com", "example.net"), controls.current().control().locals());
        assertFalse(controls.reloadIfChanged(), "nothing changed since");
    }

    @Test
    void aChangeThatDoesNotLoadKeepsThePreviousConfiguration() throws IOException {
        Home home = new Home(root);
        home.ensureDirectories();
        Files.writeString(home.assign(), "=joe:joe:1:1:/home/joe:::\n.\n");
        Controls controls = new Controls(home);
        Files.writeString(home.assign(), "=joe:joe:1:1\n.\n"); // USR-02: too few fields
        assertFalse(controls.reloadIfChanged());
        assertThrows(IOException.class, controls::reloadIfChanged);
        assertTrue(controls.current().assign().lookup("joe").isPresent());
    }
}
