package dev.quail.engine.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.config.Rate;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The release of held mail: a slow start, then never more than the rate in any second, each slot its own. */
class ReleaseTest {
    private static long[] release(String rate, int n, long start) {
        Release r = new Release(start, Rate.parse(rate).orElseThrow(), new Random(3));
        long[] due = new long[n];
        for (int i = 0; i < n; i++) due[i] = r.next();
        return due;
    }

    private static int[] perSecond(long[] due, long start, int seconds) {
        int[] count = new int[seconds];
        for (long d : due) count[(int) ((d - start) / 1000)]++;
        return count;
    }

    @Test
    void slowStartDoublesEachSecondUpToTheRate() {
        long start = 1_000_000;
        long[] due = release("50/s", 1_000, start);
        int[] count = perSecond(due, start, 30);
        assertEquals(1, count[0]);
        assertEquals(2, count[1]);
        assertEquals(4, count[2]);
        assertEquals(8, count[3]);
        assertEquals(16, count[4]);
        assertEquals(32, count[5]);
        for (int s = 6; s < 24; s++) assertEquals(50, count[s], "second " + s);
        for (int i = 1; i < due.length; i++) assertTrue(due[i] > due[i - 1], "one slot each, in order");
        assertTrue(due[0] >= start);
    }

    @Test
    void noWindowOfOneSecondSeesMoreThanTheRateAndOne() {
        long[] due = release("10/s", 500, 0);
        int j = 0;
        for (int i = 0; i < due.length; i++) {
            while (j < due.length && due[j] < due[i] + 1000) j++;
            assertTrue(j - i <= 11, (j - i) + " in the second from " + due[i]);
        }
    }

    @Test
    void belowOneASecondTheSlotsAreOneOverTheRate() {
        long[] due = release("30/m", 4, 0);
        for (int i = 0; i < due.length; i++) {
            assertTrue(due[i] >= i * 2_000L && due[i] < (i + 1) * 2_000L, "slot " + i + ": " + due[i]);
        }
    }
}
