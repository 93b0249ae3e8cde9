/*
 * A first start sets up what mail needs to flow and leaves what an admin wrote before it alone; rcpthosts follows
 * the admin's control/locals when that came first (a list domain written there was refused 553 before).
 */
package dev.quail.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FirstStartTest {
    @TempDir
    Path root;

    @Test
    void aFreshHomeAcceptsLocalhostAndItsOwnName() throws IOException {
        Home home = new Home(root);
        assertTrue(FirstStart.initializeIfNew(home));
        List<String> expected = List.copyOf(new LinkedHashSet<>(List.of("localhost", Home.hostName())));
        assertEquals(expected, Files.readAllLines(home.control("locals")));
        assertEquals(expected, Files.readAllLines(home.control("rcpthosts")));
        assertFalse(FirstStart.initializeIfNew(home), "only the first start initialises");
    }

    @Test
    void localsWrittenBeforeTheFirstStartAreWhatRcpthostsAccepts() throws IOException {
        Home home = new Home(root);
        home.ensureDirectories();
        Files.writeString(home.control("locals"), "lists.example\nlocalhost\n");
        FirstStart.initializeIfNew(home);
        assertEquals(List.of("lists.example", "localhost"), Files.readAllLines(home.control("locals")));
        assertEquals(List.of("lists.example", "localhost"), Files.readAllLines(home.control("rcpthosts")));
    }
}
