package dev.quail.engine.queue;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.engine.Controls;
import dev.quail.engine.TestHomes;
import dev.quail.persistence.journal.JournalStore;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** New mail is refused while the journal cannot write or the disk is below its reserve, and again once it can. */
class QueueSpaceTest {
    @Test
    void lowWhileTheJournalFailsOrTheDiskIsBelowTheReserveRecheckedEverySecond() throws Exception {
        AtomicBoolean writable = new AtomicBoolean(true);
        AtomicLong clock = new AtomicLong(1_000_000);
        Controls roomy = TestHomes.controls(Map.of("queueminfree", "0"));
        QueueSpace space = new QueueSpace(roomy.home().queue(), roomy,
                () -> new JournalStore.Health(writable.get(), "", 0), clock::get);
        assertFalse(space.getAsBoolean(), "a test machine's disk has its 64 MiB");
        writable.set(false);
        assertFalse(space.getAsBoolean(), "asked again within the second: the last answer");
        clock.addAndGet(1_000);
        assertTrue(space.getAsBoolean(), "the journal cannot write");
        writable.set(true);
        clock.addAndGet(1_000);
        assertFalse(space.getAsBoolean(), "back to normal by itself");

        Controls full = TestHomes.controls(Map.of("queueminfree", Long.toString(Long.MAX_VALUE / 2)));
        assertTrue(new QueueSpace(full.home().queue(), full, () -> new JournalStore.Health(true, "", 0),
                clock::get).getAsBoolean(), "no disk has that much free: new mail would be refused");
    }
}
