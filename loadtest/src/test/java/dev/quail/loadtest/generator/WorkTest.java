package dev.quail.loadtest.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WorkTest {

    private final AtomicLong clock = new AtomicLong(1_000);

    @Test
    void closedLoopHandsOutExactlyNMessagesDueAtOnce() {
        Work work = new Work(3, OptionalDouble.empty(), Optional.empty(), clock::get);
        for (int i = 0; i < 3; i++) {
            clock.addAndGet(7);
            Work.Claim claim = work.claim().orElseThrow();
            assertEquals(i, claim.index());
            assertEquals(clock.get(), claim.dueNanos());
        }
        assertTrue(work.exhausted());
        assertEquals(Optional.empty(), work.claim());
        assertEquals(Optional.empty(), work.claim());
    }

    @Test
    void openLoopSpacesMessagesAtTheRate() {
        Work work = new Work(10, OptionalDouble.of(100), Optional.empty(), clock::get);
        assertEquals(1_000, work.claim().orElseThrow().dueNanos());
        assertEquals(1_000 + 10_000_000, work.claim().orElseThrow().dueNanos());
        assertEquals(1_000 + 20_000_000, work.claim().orElseThrow().dueNanos());
    }

    @Test
    void durationStopsTheRun() {
        Work work = new Work(Long.MAX_VALUE, OptionalDouble.empty(), Optional.of(Duration.ofSeconds(1)), clock::get);
        clock.addAndGet(999_999_999);
        assertTrue(work.claim().isPresent());
        assertFalse(work.exhausted());
        clock.addAndGet(1);
        assertEquals(Optional.empty(), work.claim());
        assertTrue(work.exhausted());
    }

    @Test
    void openLoopDoesNotHandOutMessagesDueAfterTheDeadline() {
        Work work = new Work(Long.MAX_VALUE, OptionalDouble.of(2), Optional.of(Duration.ofSeconds(1)), clock::get);
        assertTrue(work.claim().isPresent()); // due at 0 s
        assertTrue(work.claim().isPresent()); // due at 0.5 s
        assertEquals(Optional.empty(), work.claim()); // due at 1 s: the deadline
    }

    @Test
    void openLoopRunningLateStillSendsWhatWasDue() {
        Work work = new Work(Long.MAX_VALUE, OptionalDouble.of(2), Optional.of(Duration.ofSeconds(1)), clock::get);
        clock.addAndGet(5_000_000_000L);
        assertEquals(0, work.claim().orElseThrow().index());
        assertEquals(1, work.claim().orElseThrow().index());
        assertEquals(Optional.empty(), work.claim());
        assertTrue(work.exhausted());
    }
}
