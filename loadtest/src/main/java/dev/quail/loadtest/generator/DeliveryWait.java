/*
 * DeliveryWait: after the last message was accepted, waits until delivery catches up, for the end-to-end
 * rate. It polls a count and subtracts what was there before the run:
 *
 *   --wait-maildir DIR   files in DIR/new and DIR/cur (one per delivered recipient; dot files skipped;
 *                        a Maildir that does not exist yet counts 0)
 *   --wait-sink H:P      the quail sink's recipient count (SinkStat, "STAT" on its SMTP port)
 *
 * until it reaches the expected number. The end-to-end time runs from the start of the run to the poll
 * that saw the last delivery; polls are 100 ms apart, or twice as long as the last count took, so
 * listing a Maildir of 200,000 files does not eat the machine being measured. The wait gives up when
 * the count has not grown for the stall timeout (--wait-timeout).
 */
package dev.quail.loadtest.generator;

import dev.quail.loadtest.HostPort;
import dev.quail.loadtest.sink.SinkStat;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongConsumer;

final class DeliveryWait {

    /** Something that counts deliveries. */
    interface Counter {
        long count() throws IOException;
    }

    /** complete: the count reached {@code expected}; seconds are from the start of the run. */
    record Result(long expected, long delivered, double seconds, boolean complete, Optional<String> problem) {}

    private static final long MIN_POLL_MILLIS = 100;

    private DeliveryWait() {}

    static Counter maildir(Path maildir) {
        return () -> files(maildir.resolve("new")) + files(maildir.resolve("cur"));
    }

    static Counter sink(HostPort sink) {
        return () -> SinkStat.query(sink).recipients();
    }

    static Result await(Counter counter, long baseline, long expected, long startNanos, Duration stallTimeout,
                        LongConsumer progress) throws InterruptedException {
        long delivered = 0;
        long lastGrowth = System.nanoTime();
        Optional<String> problem = Optional.empty();
        while (true) {
            long before = System.nanoTime();
            try {
                long now = counter.count() - baseline;
                problem = Optional.empty();
                if (now > delivered) {
                    delivered = now;
                    lastGrowth = before;
                }
            } catch (IOException e) {
                problem = Optional.of(e.getMessage());
            }
            long after = System.nanoTime();
            progress.accept(delivered);
            if (delivered >= expected) {
                return new Result(expected, delivered, (before - startNanos) / 1e9, true, Optional.empty());
            }
            if (after - lastGrowth > stallTimeout.toNanos()) {
                return new Result(expected, delivered, (after - startNanos) / 1e9, false,
                        problem.or(() -> Optional.of("no delivery for " + stallTimeout.toSeconds() + " s")));
            }
            Thread.sleep(Math.max(MIN_POLL_MILLIS, 2 * (after - before) / 1_000_000));
        }
    }

    private static long files(Path dir) throws IOException {
        File directory = dir.toFile();
        String[] names = directory.list();
        if (names == null) {
            if (!directory.exists()) {
                return 0; // a Maildir may be created by its first delivery
            }
            throw new IOException("cannot list " + dir);
        }
        long count = 0;
        for (String name : names) {
            if (!name.startsWith(".")) {
                count++;
            }
        }
        return count;
    }
}
