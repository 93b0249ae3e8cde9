package dev.quail.loadtest.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void emptyHistogramReportsZero() {
        LatencyHistogram h = new LatencyHistogram();
        assertEquals(0, h.percentile(0.5));
        assertEquals(0, h.percentile(0.99));
    }

    @Test
    void smallValuesAreExact() {
        LatencyHistogram h = new LatencyHistogram();
        for (int v = 1; v <= 50; v++) {
            h.record(v);
        }
        assertEquals(25, h.percentile(0.50));
        assertEquals(50, h.percentile(0.99));
    }

    @Test
    void p50AndP99OfAUniformSpreadAreWithinTwoPercent() {
        LatencyHistogram h = new LatencyHistogram();
        for (int v = 1; v <= 100_000; v++) {
            h.record(v);
        }
        assertEquals(100_000, h.count());
        assertEquals(50_000, h.percentile(0.50), 50_000 * 0.02);
        assertEquals(99_000, h.percentile(0.99), 99_000 * 0.02);
    }

    @Test
    void p99IsTheNinetyNinthOfAHundred() {
        LatencyHistogram oneSlow = new LatencyHistogram();
        for (int i = 0; i < 99; i++) {
            oneSlow.record(1_000);
        }
        oneSlow.record(500_000);
        assertEquals(1_000, oneSlow.percentile(0.99), 20);

        LatencyHistogram twoSlow = new LatencyHistogram();
        for (int i = 0; i < 98; i++) {
            twoSlow.record(1_000);
        }
        twoSlow.record(500_000);
        twoSlow.record(500_000);
        assertEquals(500_000, twoSlow.percentile(0.99), 500_000 * 0.02);
    }

    @Test
    void p50IsTheMiddleRank() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(10);
        h.record(20);
        assertEquals(10, h.percentile(0.50));
        h.record(30);
        assertEquals(20, h.percentile(0.50));
    }

    @Test
    void hugeAndNegativeValuesStayInRange() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(-5);
        assertEquals(0, h.percentile(0.5));
        h.record(Long.MAX_VALUE);
        assertEquals(Long.MAX_VALUE, h.percentile(1.0), Long.MAX_VALUE * 0.02);
    }

    @Test
    void concurrentRecordingLosesNothing() throws InterruptedException {
        LatencyHistogram h = new LatencyHistogram();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 25_000; i++) {
                    h.record(i % 5_000);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(100_000, h.count());
    }
}
