package dev.quail.engine.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleTest {
    private final List<String> index = new ArrayList<>();
    private final Schedule schedule = new Schedule(new Schedule.Index() {
        @Override
        public void asleep(String id, long due, long bytes) {
            index.add("asleep " + id + " " + due);
        }

        @Override
        public void gone(String id) {
            index.add("gone " + id);
        }
    });

    private static List<String> ids(List<Schedule.Wake> wakes) {
        return wakes.stream().map(Schedule.Wake::id).toList();
    }

    @Test
    void aMessageDeliveredAtOnceNeverTouchesTheIndex() {
        assertTrue(schedule.submitted("a", 100, 10, 1 << 20));
        schedule.finished("a");
        assertFalse(schedule.stopped("a", 0));
        assertEquals(List.of(), index);
        assertEquals(0, schedule.live());
    }

    @Test
    void aSleeperIsIndexedWokenWhenDueAndForgottenWhenDone() {
        schedule.submitted("a", 100, 10, 1 << 20);
        schedule.sleeping("a", 5_000, 100);
        schedule.stopped("a", 1_000);
        assertEquals(1, schedule.asleep());
        schedule.due(4_999);
        assertEquals(List.of(), schedule.admit(10, 1 << 20));
        schedule.due(5_000);
        assertEquals(List.of(new Schedule.Wake("a", false)), schedule.admit(10, 1 << 20));
        assertEquals(1, schedule.live());
        schedule.finished("a");
        schedule.stopped("a", 6_000);
        assertEquals(List.of("asleep a 5000", "gone a"), index);
        assertEquals(0, schedule.asleep() + schedule.live() + schedule.waiting());
    }

    @Test
    void admissionCapsLiveMessagesAndTheirBytes() {
        for (String id : List.of("a", "b", "c", "d")) {
            schedule.restored(id, 0, 400);
        }
        schedule.due(1);
        assertEquals(List.of("a", "b"), ids(schedule.admit(3, 1_000)), "a third would hold 1,200 bytes");
        assertEquals(List.of(), ids(schedule.admit(3, 1_000)));
        schedule.finished("a");
        schedule.stopped("a", 2);
        assertEquals(List.of("c"), ids(schedule.admit(3, 1_000)));
        assertEquals(2, schedule.live());
        assertEquals(1, schedule.waiting());
    }

    @Test
    void oneMessageLargerThanTheByteBudgetStillGetsItsTurnAlone() {
        schedule.restored("big", 0, 5_000);
        schedule.due(1);
        assertEquals(List.of("big"), ids(schedule.admit(10, 1_000)));
    }

    @Test
    void aSubmissionOverTheCapIsJournaledButWaits() {
        assertTrue(schedule.submitted("a", 600, 2, 1_000));
        assertFalse(schedule.submitted("b", 600, 2, 1_000), "over the byte budget");
        schedule.sleeping("b", 10, 600);
        schedule.stopped("b", 10);
        schedule.due(10);
        assertEquals(List.of(), schedule.admit(2, 1_000), "a still holds the budget");
        schedule.finished("a");
        schedule.stopped("a", 11);
        assertEquals(List.of("b"), ids(schedule.admit(2, 1_000)));
    }

    @Test
    void aMessageThatStopsWithoutAWordIsRetriedAfterADoublingBackoff() {
        schedule.submitted("a", 1, 10, 100);
        schedule.stopped("a", 1_000);
        assertEquals(List.of("asleep a 2000"), index, "a failed journal write must leave a due time");
        schedule.due(2_000);
        schedule.admit(10, 100);
        schedule.stopped("a", 3_000);
        assertEquals("asleep a 5000", index.get(1));
        schedule.due(5_000);
        schedule.admit(10, 100);
        schedule.sleeping("a", 9_000, 1);
        schedule.stopped("a", 6_000);
        schedule.due(9_000);
        schedule.admit(10, 100);
        schedule.stopped("a", 10_000);
        assertEquals("asleep a 11000", index.get(3), "a clean sleep resets the backoff");
    }

    @Test
    void flushWakesSleepersAtOnceAndLiveOnesAgainAfterTheyStop() {
        schedule.restored("asleep", 1_000_000, 1);
        schedule.submitted("stopping", 1, 10, 100);
        schedule.sleeping("stopping", 1_000_000, 1);
        schedule.flush();
        assertEquals(List.of("asleep"), ids(schedule.admit(10, 100)));
        assertTrue(schedule.stopped("stopping", 5), "asked to sleep, but flushed before it was gone");
        assertEquals(List.of("stopping"), ids(schedule.admit(10, 100)));
    }

    @Test
    void recoveredIdsCheckTheirOwnTimesAndIndexedOnesAreNotRecovered() {
        schedule.restored("known", 50_000, 10);
        schedule.recovered("known");
        schedule.recovered("unknown");
        assertEquals(List.of(new Schedule.Wake("unknown", true)), schedule.admit(10, 1 << 20));
        assertEquals(1, schedule.asleep());
    }

    @Test
    void anUnscheduledSleeperNeverWakesAndLeavesTheIndex() {
        schedule.restored("held", 10, 1);
        schedule.unschedule("held");
        schedule.due(100);
        assertEquals(List.of(), schedule.admit(10, 100));
        assertEquals(List.of("gone held"), index);
    }

    @Test
    void aMillionSleepersCostLittleAndWakeInDueOrder() {
        for (int i = 0; i < 1_000_000; i++) {
            schedule.restored("m" + i, 1_000_000 - i, 2_000);
        }
        schedule.due(10);
        List<String> first = ids(schedule.admit(3, 1 << 30));
        assertEquals(List.of("m999999", "m999998", "m999997"), first);
        assertEquals(999_997, schedule.asleep() + schedule.waiting());
    }

    @Test
    void advanceMovesOnlyAnAsleepMessageAndOnlyEarlier() {
        schedule.restored("a", 600_000, 100);
        schedule.advance("a", 700_000);
        schedule.due(600_000 - 1);
        assertEquals(List.of(), schedule.admit(10, 1 << 20), "a later time changes nothing");
        schedule.advance("a", 10_000);
        assertEquals(List.of("asleep a 10000"), index, "the index hears of the new time");
        schedule.due(9_999);
        assertEquals(List.of(), schedule.admit(10, 1 << 20));
        schedule.due(10_000);
        assertEquals(List.of("a"), ids(schedule.admit(10, 1 << 20)));
        schedule.advance("a", 0);
        schedule.advance("unknown", 0);
        assertEquals(1, schedule.live(), "a live message is left alone");
        schedule.due(600_000);
        assertEquals(List.of(), schedule.admit(10, 1 << 20), "its old time is forgotten");
    }

    @Test
    void resumedMessagesWakeEachAtItsOwnTimeSoTheHandOffFollowsTheirSpread() {
        int n = 100_000;
        int rate = 100;
        for (int i = 0; i < n; i++) schedule.restored("m" + i, 3_600_000, 1);
        for (int i = 0; i < n; i++) schedule.advance("m" + i, 1_000_000 + i * 1000L / rate);
        int woken = 0;
        for (long second = 0; second <= n / rate; second++) {
            schedule.due(1_000_000 + second * 1000 + 999);
            List<Schedule.Wake> wakes = schedule.admit(n, Long.MAX_VALUE);
            assertTrue(wakes.size() <= rate, wakes.size() + " woken in second " + second);
            woken += wakes.size();
            wakes.forEach(w -> schedule.finished(w.id()));
            wakes.forEach(w -> schedule.stopped(w.id(), 0));
        }
        assertEquals(n, woken);
    }
}
