package dev.quail.engine.queue;

import dev.quail.engine.Controls;
import dev.quail.persistence.journal.JournalStore;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Whether the queue has room for new mail: the journal can write, and its disk has more free space than what the
 * journal keeps for itself plus control/queueminfree, so that mail already accepted can still be checkpointed and
 * delivered. The front ends ask it at MAIL and RCPT (452 4.3.1) and per QMTP package (Z); the answer is computed
 * at most once a second, so a busy listener costs one statfs a second. Thread-safe.
 */
public final class QueueSpace implements BooleanSupplier {
    private static final long RECHECK_MILLIS = 1_000;

    private final Path queue;
    private final Controls controls;
    private final Supplier<JournalStore.Health> journal;
    private final LongSupplier clock;
    private volatile long nextCheck = Long.MIN_VALUE;
    private volatile boolean low;

    public QueueSpace(Path queue, Controls controls, Supplier<JournalStore.Health> journal, LongSupplier clock) {
        this.queue = queue;
        this.controls = controls;
        this.journal = journal;
        this.clock = clock;
    }

    /** True when new mail should be refused for now. */
    @Override
    public boolean getAsBoolean() {
        long now = clock.getAsLong();
        if (now >= nextCheck) {
            nextCheck = now + RECHECK_MILLIS;
            low = !journal.get().ok() || free() < JournalStore.MIN_FREE_BYTES
                    + controls.current().control().limits().queueminfree();
        }
        return low;
    }

    private long free() {
        try {
            FileStore store = Files.getFileStore(queue);
            return store.getUsableSpace();
        } catch (IOException e) {
            return 0; // a disk that cannot even be asked is no place for new mail
        }
    }
}
