package dev.quail.persistence.journal;

/**
 * Where the journal writer reports how long each batch took to write, and whether it was synced (written and
 * fsync'd, LevelDB doing both in one call) or not: the server's /metrics histograms. The writer calls it on its
 * own thread after every batch, so it must be quick and thread-safe; the default does nothing.
 */
@FunctionalInterface
public interface WriteTimes {
    void batch(boolean synced, long nanos);

    /** The one the writers report to; set once at start by the server. */
    final class Sink {
        private static volatile WriteTimes current = (synced, nanos) -> {};

        private Sink() {}

        public static void set(WriteTimes times) {
            current = times;
        }

        static WriteTimes get() {
            return current;
        }
    }
}
