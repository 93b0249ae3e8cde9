/*
 * SharedJournal's health follows the database: it turns false when the server goes away (a write in flight fails,
 * it does not hang) and true again, writes working, once the server is back. A class of its own: it stops its
 * server.
 */
package dev.quail.persistence.jdbc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.persistence.body.ChunkStore;
import dev.quail.persistence.journal.JournalStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SharedJournalHealthTest {
    @RegisterExtension
    static final PostgresServer SERVER = new PostgresServer();

    private static final long WAIT_MILLIS = 30_000;

    @Test
    void healthTurnsFalseWhileTheServerIsDownAndTrueOnceItIsBack() throws Exception {
        try (SharedJournal journal = SharedJournal.open(SERVER.createDatabase())) {
            ChunkStore chunks = (ChunkStore) journal.bodies();
            assertTrue(journal.health().ok(), journal.health().toString());
            long started = journal.health().sinceMillis();

            SERVER.stop();
            CompletableFuture<Void> lost = chunks.putChunk("msg-1-a", 0, new byte[] {1});
            assertThrows(ExecutionException.class, () -> lost.get(WAIT_MILLIS, TimeUnit.MILLISECONDS));
            JournalStore.Health down = awaitHealth(journal, false);
            assertTrue(down.sinceMillis() > started, down.toString());

            SERVER.start();
            awaitHealth(journal, true);
            chunks.putChunk("msg-1-a", 0, new byte[] {1}).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private static JournalStore.Health awaitHealth(SharedJournal journal, boolean ok) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (journal.health().ok() != ok && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        JournalStore.Health health = journal.health();
        assertFalse(health.ok() != ok, "health still " + health + " after " + WAIT_MILLIS + " ms");
        return health;
    }
}
