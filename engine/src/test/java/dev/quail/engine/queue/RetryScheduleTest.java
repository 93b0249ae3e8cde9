package dev.quail.engine.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.persistence.events.Channel;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
    private static final long BIRTH = 1_000_000_000_000L;

    /** RETRY-02: a message that keeps deferring is tried at birth + 400·k² (remote), birth + 100·k² (local). */
    @Test
    void retry02_attemptsFollowTheQuadraticSchedule() {
        long at = BIRTH;
        for (int k = 1; k <= 6; k++) {
            at = RetrySchedule.nextTry(Channel.REMOTE, BIRTH, at);
            assertEquals(BIRTH + 400L * k * k * 1000, at, "remote attempt " + k);
        }
        at = BIRTH;
        for (int k = 1; k <= 6; k++) {
            at = RetrySchedule.nextTry(Channel.LOCAL, BIRTH, at);
            assertEquals(BIRTH + 100L * k * k * 1000, at, "local attempt " + k);
        }
    }

    /** RETRY-01: a pass started late (or a clock behind birth) still schedules from birth. */
    @Test
    void retry01_nextTryDependsOnlyOnBirthAndPassStart() {
        assertEquals(BIRTH + 400_000, RetrySchedule.nextTry(Channel.REMOTE, BIRTH, BIRTH - 5_000));
        // sqrt(1000) = 31.6 → n = 51 → 2601 s
        assertEquals(BIRTH + 2_601_000, RetrySchedule.nextTry(Channel.REMOTE, BIRTH, BIRTH + 1_000_000));
    }

    /** RETRY-03: the pass is the last one only once now > birth + queuelifetime. */
    @Test
    void retry03_dyingStartsAfterTheLifetime() {
        assertFalse(RetrySchedule.dying(BIRTH, BIRTH + 604_800_000, 604_800));
        assertTrue(RetrySchedule.dying(BIRTH, BIRTH + 604_800_001, 604_800));
    }
}
