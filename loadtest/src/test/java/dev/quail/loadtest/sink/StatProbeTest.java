package dev.quail.loadtest.sink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StatProbeTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void statMaySplitAcrossChunks() {
        StatProbe probe = new StatProbe();
        assertEquals(0, probe.feed(bytes("st")).length);
        assertFalse(probe.stat());
        assertEquals(0, probe.feed(bytes("at\r\n")).length);
        assertTrue(probe.stat());
    }

    @Test
    void anythingElseReachesTheSessionWhole() {
        StatProbe probe = new StatProbe();
        assertEquals(0, probe.feed(bytes("EHLO a")).length);
        assertArrayEquals(bytes("EHLO a.test\r\nMAIL"), probe.feed(bytes(".test\r\nMAIL")));
        assertArrayEquals(bytes(" FROM:<>\r\n"), probe.feed(bytes(" FROM:<>\r\n")));
        assertFalse(probe.stat());
    }

    @Test
    void aFirstLineOver512OctetsIsPassedOnUnfinished() {
        StatProbe probe = new StatProbe();
        assertEquals(0, probe.feed(bytes("x".repeat(512))).length, "512 may still be a line");
        assertEquals(513, probe.feed(bytes("x")).length, "513 cannot");
        assertFalse(probe.stat());
    }
}
