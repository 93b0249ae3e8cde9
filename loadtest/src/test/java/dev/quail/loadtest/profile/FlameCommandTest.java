package dev.quail.loadtest.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real JFR recording of a busy loop, folded into stacks and drawn: the loop is where the samples are. */
class FlameCommandTest {

    @TempDir
    Path dir;

    private static volatile long sink;

    /** Pure Java work, the clock read rarely: a thread inside System.nanoTime is in native code, which JFR's
     * execution sampler skips. */
    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        long x = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 1_000_000; i++) {
                x = x * 6364136223846793005L + i;
            }
        }
        sink = x;
    }

    @Test
    void theBusyLoopsSamplesAreFoldedAndDrawn() throws Exception {
        Path jfr = dir.resolve("busy.jfr");
        String loop = FlameCommandTest.class.getName() + ".spin";
        Stacks stacks;
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            recording.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            do { // a shared machine may give the loop few samples: spin until the recording holds enough of it
                spin(Duration.ofMillis(200).toNanos());
                recording.dump(jfr);
                stacks = Stacks.read(jfr);
            } while (samplesIn(stacks, loop) < 5 && System.nanoTime() < deadline);
        }
        assertTrue(samplesIn(stacks, loop) >= 5, stacks.collapsed().toString());

        String svg = FlameGraph.svg(stacks.collapsed(), "busy <loop>");
        assertTrue(svg.startsWith("<?xml") && svg.trim().endsWith("</svg>"));
        assertTrue(svg.contains("busy &lt;loop&gt;"), "title escaped");
        assertTrue(svg.contains(FlameCommandTest.class.getName() + ".spin: "), "a box for the loop");
    }

    private static long samplesIn(Stacks stacks, String frame) {
        return stacks.collapsed().entrySet().stream().filter(e -> e.getKey().contains(frame))
                .mapToLong(Map.Entry::getValue).sum();
    }

    @Test
    void selfTimeCountsOnlyTheLeafOfEachStack() {
        Stacks stacks = new Stacks();
        stacks.add(List.of("main", "a", "leaf"));
        stacks.add(List.of("main", "b", "leaf"));
        stacks.add(List.of("main", "a"));
        assertEquals(3, stacks.samples());
        assertEquals(List.of(new Stacks.Frame("leaf", 2), new Stacks.Frame("a", 1)), stacks.topSelf(5));
        assertEquals(Map.of("main;a;leaf", 1L, "main;b;leaf", 1L, "main;a", 1L), stacks.collapsed());
        String svg = FlameGraph.svg(stacks.collapsed(), "t");
        assertTrue(svg.contains("<title>all: 3 samples (100.00%)</title>"), svg);
        assertTrue(svg.contains("<title>main: 3 samples (100.00%)</title>"), svg);
        assertTrue(svg.contains("<title>a: 2 samples (66.67%)</title>"), svg);
    }

    /** async-profiler's collapsed output: frames may hold spaces (native C++ names), the count is the last word. */
    @Test
    void collapsedStacksAreReadAsTheyAreWritten() throws Exception {
        Path file = dir.resolve("profile.collapsed");
        Files.writeString(file, """
                java.lang.Thread.run;dev.quail.A.run;__GI_fsync 7
                start_thread;oopDesc* PSPromotionManager::copy_unmarked_to_survivor_space<false> 2

                java.lang.Thread.run;dev.quail.A.run;__GI_fsync 1
                """, StandardCharsets.UTF_8);
        Stacks stacks = Stacks.read(file);
        assertEquals(10, stacks.samples());
        assertEquals(Map.of("java.lang.Thread.run;dev.quail.A.run;__GI_fsync", 8L,
                "start_thread;oopDesc* PSPromotionManager::copy_unmarked_to_survivor_space<false>", 2L),
                stacks.collapsed());
        assertEquals(new Stacks.Frame("__GI_fsync", 8), stacks.topSelf(1).get(0));
    }

    @Test
    void aFileThatIsNeitherIsRefusedWithItsLine() throws Exception {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "a;b 3\nsome words here\n", StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> Stacks.read(file));
        assertTrue(e.getMessage().contains("some words here"), e.getMessage());
    }
}
