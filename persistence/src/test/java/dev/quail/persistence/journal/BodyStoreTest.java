/*
 * JournalStore as the BodyStore: a body written chunk by chunk reads back byte for byte, also after a reopen; it
 * goes with its message's last event, with an abort, or, when the message never got an event, at the next
 * start; a missing chunk is an error, never a short body; and a body far larger than the heap would allow to
 * hold streams in and out.
 */
package dev.quail.persistence.journal;

import static dev.quail.persistence.body.Bodies.randomBytes;
import static dev.quail.persistence.body.Bodies.read;
import static dev.quail.persistence.body.Bodies.store;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.persistence.body.Body;
import dev.quail.persistence.body.BodyStore;
import dev.quail.persistence.body.BodyWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BodyStoreTest {
    private static final int MIB = 1 << 20;

    @RegisterExtension
    final StoreDir stores = new StoreDir();

    private JournalStore open() throws Exception {
        return stores.open();
    }

    /** Records the message's Accepted event, as the queue does once the body is stored. */
    private static void accept(JournalStore store, String owner) throws Exception {
        store.write(List.of(new JournalStore.Event(owner, 1, new byte[] {1}))).get(5, TimeUnit.SECONDS);
    }

    @Test
    void fiveMiBBodyReadsBackByteIdenticalAlsoAfterReopen() throws Exception {
        byte[] bytes = randomBytes(5 * MIB, 1);
        JournalStore store = open();
        Body body = store(store, "msg-1", bytes);
        accept(store, "msg-1");
        assertEquals(5 * MIB, body.size());
        assertEquals(5 * MIB / BodyStore.CHUNK - 1, body.chunks(), "the last chunk travels inline");
        assertArrayEquals(bytes, read(store, "msg-1", body));
        store.close();

        assertArrayEquals(bytes, read(open(), "msg-1", body));
    }

    @Test
    void smallBodyIsAllTailAndNeedsNoStoredChunk() throws Exception {
        JournalStore store = open();
        byte[] bytes = "Subject: hi\n\nshort\n".getBytes();
        Body body = store(store, "msg-small", bytes);
        assertEquals(0, body.chunks());
        assertArrayEquals(bytes, read(store, "msg-small", body));
        assertArrayEquals(new byte[0], read(store, "msg-empty", store.writer("msg-empty").finish()));
    }

    @Test
    void bodyGoesWithItsMessagesLastEventAndNotBefore() throws Exception {
        JournalStore store = open();
        byte[] bytes = randomBytes(3 * BodyStore.CHUNK + 5, 2);
        Body body = store(store, "msg-2", bytes);
        store.write(List.of(new JournalStore.Event("msg-2", 1, new byte[] {1}),
                new JournalStore.Event("msg-2", 2, new byte[] {2}))).get(5, TimeUnit.SECONDS);

        store.deleteTo("msg-2", 1).get(5, TimeUnit.SECONDS);
        assertArrayEquals(bytes, read(store, "msg-2", body));

        store.deleteTo("msg-2", Long.MAX_VALUE).get(5, TimeUnit.SECONDS);
        IOException missing = assertThrows(IOException.class, () -> read(store, "msg-2", body));
        assertTrue(missing.getMessage().contains("chunk 0 of the body of msg-2 is missing"), missing.getMessage());
    }

    @Test
    void deleteQueuedBehindAChunkOfTheSamePidSeesThatChunk() throws Exception {
        JournalStore store = open();
        Runnable release = WriterParking.park(store);
        CompletableFuture<Void> chunk = store.putChunk("m", 0, randomBytes(BodyStore.CHUNK, 3));
        CompletableFuture<Void> event = store.write(List.of(new JournalStore.Event("m", 1, new byte[] {1})));
        CompletableFuture<Void> delete = store.deleteTo("m", Long.MAX_VALUE);
        release.run();
        CompletableFuture.allOf(chunk, event, delete).get(5, TimeUnit.SECONDS);
        store.close();

        Body body = new Body(BodyStore.CHUNK + 1, 1, new byte[] {'\n'}, false);
        assertThrows(IOException.class, () -> read(open(), "m", body));
    }

    @Test
    void abortDeletesWhatWasStored() throws Exception {
        JournalStore store = open();
        BodyWriter writer = store.writer("msg-3");
        byte[] bytes = randomBytes(4 * BodyStore.CHUNK, 4);
        writer.write(bytes, 0, bytes.length).toCompletableFuture().get(5, TimeUnit.SECONDS);
        writer.abort().toCompletableFuture().get(5, TimeUnit.SECONDS);

        Body stored = new Body(4L * BodyStore.CHUNK, 3, new byte[BodyStore.CHUNK], false);
        assertThrows(IOException.class, () -> read(store, "msg-3", stored));
    }

    @Test
    void chunksOfAMessageThatNeverGotAnEventAreSweptAtTheNextStart() throws Exception {
        JournalStore store = open();
        byte[] orphanBytes = randomBytes(2 * BodyStore.CHUNK + 1, 5);
        byte[] keptBytes = randomBytes(2 * BodyStore.CHUNK + 1, 6);
        Body orphan = store(store, "msg-gone", orphanBytes);
        Body kept = store(store, "msg-kept", keptBytes);
        accept(store, "msg-kept");
        assertArrayEquals(orphanBytes, read(store, "msg-gone", orphan), "nothing is swept while the store is open");
        store.close();

        JournalStore reopened = open();
        assertThrows(IOException.class, () -> read(reopened, "msg-gone", orphan));
        assertArrayEquals(keptBytes, read(reopened, "msg-kept", kept));
        assertEquals(List.of("msg-kept"), reopened.liveIds());
    }

    @Test
    void bodyStreamReadsByteByByteAndInBulkAlike() throws Exception {
        JournalStore store = open();
        byte[] bytes = randomBytes(BodyStore.CHUNK + 100, 7);
        Body body = store(store, "msg-4", bytes);
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        try (InputStream in = store.open("msg-4", body)) {
            for (int i = 0; i < 10; i++) {
                copy.write(in.read());
            }
            copy.write(in.readNBytes(BodyStore.CHUNK));
            copy.write(in.readAllBytes());
            assertEquals(-1, in.read());
        }
        assertArrayEquals(bytes, copy.toByteArray());
    }

    @Test
    void threeHundredMegabyteBodyStreamsInAndOutInBoundedHeap() throws Exception {
        long size = 300L * 1000 * 1000;
        JournalStore store = open();
        HeapWatch heap = new HeapWatch();
        BodyWriter writer = store.writer("msg-big");
        Random random = new Random(8);
        byte[] piece = new byte[BodyStore.CHUNK / 2 + 17];
        CRC32 written = new CRC32();
        for (long at = 0; at < size; at += piece.length) {
            int n = (int) Math.min(piece.length, size - at);
            random.nextBytes(piece);
            written.update(piece, 0, n);
            writer.write(piece, 0, n).toCompletableFuture().get(30, TimeUnit.SECONDS);
            heap.sampleEvery(at, 32 * MIB);
        }
        Body body = writer.finish();
        accept(store, "msg-big");
        assertEquals(size, body.size());

        CRC32 read = new CRC32();
        long total = 0;
        try (InputStream in = store.open("msg-big", body)) {
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; total += n) {
                read.update(buffer, 0, n);
                heap.sampleEvery(total, 32 * MIB);
            }
        }
        assertEquals(size, total);
        assertEquals(written.getValue(), read.getValue());
        // LevelDB holds up to two 32 MiB memtables (measured: 45 MiB of growth); the 300 MB body must not be held.
        assertTrue(heap.maxGrowth() < 120L * MIB, "heap grew by " + heap.maxGrowth() / MIB + " MiB");
    }

    /** The live heap (after a full GC) sampled now and then, against where it started. */
    private static final class HeapWatch {
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final long baseline = live();
        private long max = baseline;
        private long nextSampleAt;

        void sampleEvery(long position, long step) {
            if (position >= nextSampleAt) {
                max = Math.max(max, live());
                nextSampleAt = position + step;
            }
        }

        long maxGrowth() {
            return max - baseline;
        }

        private long live() {
            System.gc();
            return memory.getHeapMemoryUsage().getUsed();
        }
    }
}
