package dev.quail.engine.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the .qmail helpers see the programs they run: exit codes, crashes, programs that cannot start. */
class ChildTest {
    private static final ProcessBuilder.Redirect NOTHING = ProcessBuilder.Redirect.from(new java.io.File("/dev/null"));

    @Test
    void exitCodesAndCrashes() throws InterruptedException {
        assertTrue(Child.run(List.of("true"), NOTHING).success());
        assertEquals(new Child.End(7, false), Child.run(List.of("sh", "-c", "exit 7"), NOTHING));
        assertTrue(Child.run(List.of("sh", "-c", "exit 111"), NOTHING).temporary());
        Child.End killed = Child.run(List.of("sh", "-c", "kill -9 $$"), NOTHING);
        assertTrue(killed.crashed() && killed.temporary(), killed.toString());
    }

    @Test
    void aProgramThatCannotStartEndsAsQmailsForkedChildWould() throws InterruptedException {
        assertEquals(new Child.End(100, false), Child.run(List.of("/nonexistent/program"), NOTHING));
        assertTrue(Child.temporary(new IOException("Cannot run program \"x\": error=12, Cannot allocate memory")));
        assertFalse(Child.temporary(new IOException("Cannot run program \"x\": error=13, Permission denied")));
        assertTrue(Child.temporary(new IOException("something without an errno")));
    }
}
