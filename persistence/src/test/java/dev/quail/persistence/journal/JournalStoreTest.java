/*
 * JournalStore on a real LevelDB in a temp directory: durability across reopen,
 * replay bounds, deletion and live ids, group commit and its batch limits (each
 * at n and n+1, and a snapshot beyond them), and that failures reach the caller's future.
 */
package dev.quail.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JournalStoreTest {
    @RegisterExtension
    final StoreDir stores = new StoreDir();

    private JournalStore open() throws Exception {
        return stores.open();
    }

    private JournalStore open(int maxRequests, long maxBytes) throws Exception {
        long minFree = JournalWriter.Limits.DEFAULT.minFreeBytes();
        return stores.open(new JournalWriter.Limits(maxRequests, maxBytes, minFree));
    }

    private static JournalStore.Event event(String pid, long seqNr) {
        return new JournalStore.Event(pid, seqNr, (pid + "#" + seqNr).getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> replay(JournalStore store, String pid, long from, long to, long max)
            throws Exception {
        List<String> seen = new ArrayList<>();
        store.replay(pid, from, to, max, bytes -> seen.add(new String(bytes, StandardCharsets.UTF_8)));
        return seen;
    }

    private static void writeEvents(JournalStore store, String pid, int count) throws Exception {
        List<JournalStore.Event> events = new ArrayList<>();
        for (int seqNr = 1; seqNr <= count; seqNr++) {
            events.add(event(pid, seqNr));
        }
        store.write(events).get(5, TimeUnit.SECONDS);
    }

    @Test
    void completedWriteSurvivesCloseAndReopen() throws Exception {
        JournalStore first = JournalStore.open(stores.dir(), true);
        writeEvents(first, "msg-1", 3);
        first.close();
        JournalStore second = open();
        assertEquals(List.of("msg-1#1", "msg-1#2", "msg-1#3"), replay(second, "msg-1", 1, Long.MAX_VALUE, 100));
        assertEquals(3, second.highestSeqNr("msg-1"));
        assertEquals(List.of("msg-1"), second.liveIds());
    }

    @Test
    void replayHonoursFromToAndMaxAtTheirEdges() throws Exception {
        JournalStore store = open();
        writeEvents(store, "a", 5);
        writeEvents(store, "ab", 2); // a pid that extends another must not leak into its replay
        assertEquals(List.of("a#2", "a#3", "a#4"), replay(store, "a", 2, 4, 100));
        assertEquals(List.of("a#1", "a#2"), replay(store, "a", 1, 5, 2));
        assertEquals(List.of("a#1", "a#2", "a#3", "a#4", "a#5"), replay(store, "a", 0, Long.MAX_VALUE, 5));
        assertEquals(List.of("a#5"), replay(store, "a", 5, 5, 1));
        assertEquals(List.of(), replay(store, "a", 6, Long.MAX_VALUE, 100));
        assertEquals(List.of(), replay(store, "a", 1, 5, 0));
        assertEquals(List.of("ab#1", "ab#2"), replay(store, "ab", 1, Long.MAX_VALUE, 100));
    }

    @Test
    void eventCursorReadsTheStoreAsItWasWhenOpened() throws Exception {
        JournalStore store = open();
        writeEvents(store, "m", 2);
        List<String> seen = new ArrayList<>();
        try (EventCursor cursor = store.eventCursor("m", 1, Long.MAX_VALUE)) {
            store.write(List.of(event("m", 3))).get(5, TimeUnit.SECONDS);
            store.deleteTo("m", 1).get(5, TimeUnit.SECONDS);
            for (var next = cursor.next(); next.isPresent(); next = cursor.next()) {
                seen.add(new String(next.get().bytes(), StandardCharsets.UTF_8));
            }
        }
        assertEquals(List.of("m#1", "m#2"), seen);
        assertEquals(List.of("m#2", "m#3"), replay(store, "m", 1, Long.MAX_VALUE, 100));
    }

    @Test
    void deleteToKeepsLaterEventsAndDropsThePidOnceEmpty() throws Exception {
        JournalStore store = open();
        writeEvents(store, "m1", 3);
        writeEvents(store, "m2", 1);
        store.deleteTo("m1", 2).get(5, TimeUnit.SECONDS);
        assertEquals(List.of("m1#3"), replay(store, "m1", 1, Long.MAX_VALUE, 100));
        assertEquals(3, store.highestSeqNr("m1"));
        assertEquals(List.of("m1", "m2"), store.liveIds());

        store.deleteTo("m1", 3).get(5, TimeUnit.SECONDS);
        assertEquals(List.of("m2"), store.liveIds());
        assertEquals(0, store.highestSeqNr("m1"), "no record is kept of a finished persistence id");
    }

    @Test
    void deleteQueuedBehindAWriteOfTheSamePidSeesThatWrite() throws Exception {
        JournalStore store = open();
        Runnable release = WriterParking.park(store);
        CompletableFuture<Void> write = store.write(List.of(event("m", 1), event("m", 2)));
        CompletableFuture<Void> delete = store.deleteTo("m", Long.MAX_VALUE);
        release.run();
        write.get(5, TimeUnit.SECONDS);
        delete.get(5, TimeUnit.SECONDS);
        assertEquals(List.of(), replay(store, "m", 1, Long.MAX_VALUE, 100));
        assertEquals(List.of(WriterParking.PARKING_PID), store.liveIds());
    }

    @Test
    void concurrentWritersShareFsyncs() throws Exception {
        // Like Message actors: each writer persists its next event only once the previous one is on disk.
        JournalStore store = open();
        int writers = 200;
        int eventsEach = 5;
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            String pid = "msg-" + i;
            CompletableFuture<Void> finished = new CompletableFuture<>();
            done.add(finished);
            new Thread(() -> {
                try {
                    start.await();
                    for (int seqNr = 1; seqNr <= eventsEach; seqNr++) {
                        store.write(List.of(event(pid, seqNr))).get(10, TimeUnit.SECONDS);
                    }
                    finished.complete(null);
                } catch (Exception e) {
                    finished.completeExceptionally(e);
                }
            }).start();
        }
        long before = store.batches();
        start.countDown();
        CompletableFuture.allOf(done.toArray(CompletableFuture<?>[]::new)).get(20, TimeUnit.SECONDS);
        long batches = store.batches() - before;
        // One batch per write would be 1,000 fsyncs. Group commit must average over 5 writes per batch
        // (measured: 10-20 batches on an idle machine, about 100 with both cores busy elsewhere).
        assertTrue(batches < writers, writers * eventsEach + " writes took " + batches + " batches");
        assertEquals(writers, store.liveIds().size());
        assertEquals(eventsEach, store.highestSeqNr("msg-0"));
    }

    @Test
    void batchTakesAtMostMaxRequests() throws Exception {
        JournalStore store = open(3, Long.MAX_VALUE);
        assertEquals(1, batchesFor(store, 3, 1));
        assertEquals(2, batchesFor(store, 4, 1));
    }

    @Test
    void batchTakesAtMostMaxBytesButAnOversizedWriteStillGoes() throws Exception {
        JournalStore store = open(1000, 100);
        assertEquals(1, batchesFor(store, 2, 50));
        assertEquals(2, batchesFor(store, 3, 50));
        assertEquals(1, batchesFor(store, 1, 101));
    }

    /** Queues {@code writes} writes of {@code size} bytes while the writer is parked; returns the batches used. */
    private static long batchesFor(JournalStore store, int writes, int size) throws Exception {
        Runnable release = WriterParking.park(store);
        long before = store.batches();
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < writes; i++) {
            futures.add(store.write(List.of(new JournalStore.Event("p" + i + "-" + before, 1, new byte[size]))));
        }
        release.run();
        CompletableFuture.allOf(futures.toArray(CompletableFuture<?>[]::new)).get(5, TimeUnit.SECONDS);
        return store.batches() - before;
    }

    @Test
    void snapshotLargerThanABatchGoesAloneBetweenItsNeighbours() throws Exception {
        JournalStore store = open();
        Runnable release = WriterParking.park(store);
        long before = store.batches();
        CompletableFuture<Void> first = store.write(List.of(event("a", 1)));
        CompletableFuture<Void> snapshot =
                store.saveSnapshot("a", new SnapshotIndex.Entry(1, 1, 4, ""), new byte[30 << 20]);
        CompletableFuture<Void> last = store.write(List.of(event("a", 2)));
        release.run();
        CompletableFuture.allOf(first, snapshot, last).get(30, TimeUnit.SECONDS);
        assertEquals(3, store.batches() - before);
        assertEquals(30 << 20, store.latestSnapshot("a", entry -> true).orElseThrow().bytes().length);
        assertEquals(List.of("a#1", "a#2"), replay(store, "a", 1, Long.MAX_VALUE, 100));
    }

    @Test
    void snapshotSavedRightAfterItsPidWasDeletedSeesTheDelete() throws Exception {
        JournalStore store = open();
        writeEvents(store, "a", 5);
        store.saveSnapshot("a", new SnapshotIndex.Entry(5, 1, 4, ""), new byte[] {5}).get(5, TimeUnit.SECONDS);
        Runnable release = WriterParking.park(store);
        CompletableFuture<Void> delete = store.deleteTo("a", Long.MAX_VALUE);
        CompletableFuture<Void> event = store.write(List.of(event("a", 1)));
        CompletableFuture<Void> snapshot = store.saveSnapshot("a", new SnapshotIndex.Entry(1, 2, 4, ""),
                new byte[] {1});
        release.run();
        CompletableFuture.allOf(delete, event, snapshot).get(5, TimeUnit.SECONDS);
        assertEquals(1, store.latestSnapshot("a", entry -> true).orElseThrow().entry().seqNr(),
                "the snapshot at 5 went with the events");
    }

    @Test
    void writeToAClosedStoreFails() throws Exception {
        JournalStore store = JournalStore.open(stores.dir(), true);
        store.close();
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> store.write(List.of(event("m", 1))).get(5, TimeUnit.SECONDS));
        assertTrue(failure.getCause() instanceof IllegalStateException);
        assertThrows(ExecutionException.class, () -> store.deleteTo("m", 1).get(5, TimeUnit.SECONDS));
    }

    @Test
    void closeWritesWhatWasAlreadySubmitted() throws Exception {
        JournalStore store = JournalStore.open(stores.dir(), true);
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            futures.add(store.write(List.of(event("m" + i, 1))));
        }
        store.close();
        for (CompletableFuture<Void> future : futures) {
            future.get(5, TimeUnit.SECONDS);
        }
        assertEquals(50, open().liveIds().size());
    }

    @Test
    void persistenceIdWithNulIsRejectedAlone() throws Exception {
        JournalStore store = open();
        assertThrows(ExecutionException.class,
                () -> store.write(List.of(event("bad\0id", 1))).get(5, TimeUnit.SECONDS));
        writeEvents(store, "good", 1);
        assertEquals(List.of("good"), store.liveIds());
    }
}
