package dev.quail.engine.queue;

import dev.quail.persistence.events.Channel;
import java.util.concurrent.ThreadLocalRandom;

/**
 * qmail-send's retry arithmetic (RETRY-01..03): a pass starting at {@code now} schedules the next one at
 * birth + (⌊√(now − birth)⌋ + chanskip)² seconds, chanskip 10 for local and 20 for remote; once
 * now > birth + queuelifetime the pass is the last one and its temporary failures become permanent. Quail
 * adds a little jitter to each retry ({@link #jittered}).
 */
public final class RetrySchedule {
    public static final String TOO_LONG =
            "I'm not going to try again; this message has been in the queue too long.";

    private RetrySchedule() {}

    public static long nextTry(Channel channel, long birthMillis, long passStartMillis) {
        long chanskip = channel == Channel.LOCAL ? 10 : 20;
        long age = Math.max(0, (passStartMillis - birthMillis) / 1000);
        long n = (long) Math.floor(Math.sqrt((double) age)) + chanskip;
        return birthMillis + n * n * 1000L;
    }

    /**
     * {@code next} moved later by a random part of up to a twentieth of the wait, so that messages deferred together
     * (a site that was down) do not all come back in the same second.
     */
    public static long jittered(long next, long passStartMillis) {
        long spread = Math.max(0, next - passStartMillis) / 20;
        return next + ThreadLocalRandom.current().nextLong(spread + 1);
    }

    public static boolean dying(long birthMillis, long passStartMillis, long queueLifetimeSeconds) {
        return passStartMillis > birthMillis + queueLifetimeSeconds * 1000L;
    }
}
