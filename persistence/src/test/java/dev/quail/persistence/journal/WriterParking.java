/*
 * WriterParking: holds JournalStore's writer thread still so a test can queue
 * requests and know they will be taken together. It blocks the writer inside a
 * completion callback of a write, which runs on the writer thread; if the write
 * completed before the callback was attached (the callback then runs on the test
 * thread at once), it tries again.
 */
package dev.quail.persistence.journal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

final class WriterParking {
    static final String PARKING_PID = "parking";

    private WriterParking() {
    }

    /** Parks the writer; run the returned Runnable to let it go. */
    static Runnable park(JournalStore store) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch parked = new CountDownLatch(1);
        AtomicBoolean missed = new AtomicBoolean();
        long seqNr = store.highestSeqNr(PARKING_PID);
        do {
            missed.set(false);
            seqNr++;
            CompletableFuture<Void> write =
                    store.write(List.of(new JournalStore.Event(PARKING_PID, seqNr, new byte[0])));
            write.thenRun(() -> {
                if (Thread.currentThread().getName().equals(JournalWriter.THREAD)) {
                    parked.countDown();
                    awaitQuietly(release);
                } else {
                    missed.set(true);
                }
            });
            write.get(5, TimeUnit.SECONDS);
        } while (missed.get());
        if (!parked.await(5, TimeUnit.SECONDS)) {
            throw new IllegalStateException("journal writer did not park");
        }
        return release::countDown;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
