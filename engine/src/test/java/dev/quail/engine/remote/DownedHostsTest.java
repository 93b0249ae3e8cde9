package dev.quail.engine.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** qmail-tcpto's meaning (TCPTO-10..15), per IP address. */
class DownedHostsTest {
    private static final long BACKOFF = 3_840_000;
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final DownedHosts table = new DownedHosts(now::get, BACKOFF, false);

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void tcpto11_14_downAfterTheSecondTimeoutUntilTheBackoffEnds() throws Exception {
        InetAddress a = ip("192.0.2.1");
        table.timedOut(a);
        assertFalse(table.isDown(a), "one timeout is not enough");
        now.addAndGet(DownedHosts.REPEAT_MILLIS);
        table.timedOut(a);
        assertTrue(table.isDown(a));
        now.addAndGet(BACKOFF - 1);
        assertTrue(table.isDown(a), "still down 1 ms before the backoff ends");
        now.addAndGet(1);
        assertFalse(table.isDown(a), "tried again once the backoff has passed");
        assertEquals(List.of(new RemoteSpawn.DownedHost("d", "192.0.2.1", 1_000_000_000L + 120_000, 2)), table.list("d"));
    }

    @Test
    void tcpto12_aSecondTimeoutWithinTwoMinutesIsIgnored() throws Exception {
        InetAddress a = ip("192.0.2.2");
        table.timedOut(a);
        now.addAndGet(DownedHosts.REPEAT_MILLIS - 1);
        table.timedOut(a);
        assertFalse(table.isDown(a));
        assertEquals(1, table.list("d").get(0).count());
    }

    @Test
    void tcpto11_aConnectOrAnotherFailureClearsTheAddress() throws Exception {
        InetAddress a = ip("192.0.2.3");
        table.timedOut(a);
        now.addAndGet(DownedHosts.REPEAT_MILLIS);
        table.timedOut(a);
        table.reachable(a);
        assertFalse(table.isDown(a));
        assertEquals(List.of(), table.list("d"));
    }

    @Test
    void tcpto10_theCountSaturatesAtTen() throws Exception {
        InetAddress a = ip("192.0.2.4");
        for (int i = 0; i < 12; i++) {
            table.timedOut(a);
            now.addAndGet(BACKOFF);
        }
        assertEquals(DownedHosts.MAX_COUNT, table.list("d").get(0).count());
    }

    @Test
    void tcpto15_tcpokForgetsEverything() throws Exception {
        table.timedOut(ip("192.0.2.5"));
        table.timedOut(ip("2001:db8::5"));
        assertEquals(2, table.list("d").size());
        table.clear();
        assertEquals(List.of(), table.list("d"));
    }

    @Test
    void tcpto13_aFullTableMakesRoomByDroppingTheStalestEntry() throws Exception {
        for (int i = 0; i < DownedHosts.CAPACITY; i++) {
            table.timedOut(InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i}));
            now.addAndGet(1);
        }
        table.timedOut(ip("192.0.2.9"));
        assertEquals(DownedHosts.CAPACITY, table.list("d").size());
        assertFalse(table.list("d").stream().anyMatch(d -> d.ip().equals("10.0.0.0")), "the oldest went");
        assertTrue(table.list("d").stream().anyMatch(d -> d.ip().equals("192.0.2.9")));
    }

    @Test
    void qmailsBackoffIsBetween64And97Minutes() {
        for (int i = 0; i < 100; i++) {
            long b = DownedHosts.randomBackoffMillis();
            assertTrue(b >= 3_840_000 && b <= 5_824_000, String.valueOf(b));
        }
    }

    @Test
    void inAClusterWhatOnePartitionFindsIsToldToTheOthers() throws Exception {
        DownedHosts here = new DownedHosts(now::get, BACKOFF, true);
        DownedHosts there = new DownedHosts(now::get, BACKOFF, true);
        InetAddress a = ip("192.0.2.9");
        here.timedOut(a);
        now.addAndGet(DownedHosts.REPEAT_MILLIS);
        here.timedOut(a);
        var told = here.takeUntold();
        assertEquals(new DownedHosts.Entry(2, now.get()), told.get(a), "the last change of each address");
        assertEquals(java.util.Map.of(), here.takeUntold(), "told once");
        told.forEach((ip, e) -> there.learn(ip, e.count(), e.lastMillis()));
        assertTrue(there.isDown(a), "the other partition skips the address too");
        there.learn(a, 1, now.get() - 1);
        assertTrue(there.isDown(a), "an older word changes nothing");

        now.addAndGet(1_000);
        here.reachable(a);
        DownedHosts.Entry answered = here.takeUntold().get(a);
        assertEquals(new DownedHosts.Entry(0, now.get()), answered, "reachable: a count of 0 and its time");
        there.learn(a, answered.count(), answered.lastMillis());
        assertFalse(there.isDown(a), "the address answered a connection of another partition");
        assertTrue(there.list("d").isEmpty());
    }

    @Test
    void onASingleNodeNothingIsKeptForOthers() throws Exception {
        table.timedOut(ip("192.0.2.10"));
        table.reachable(ip("192.0.2.10"));
        assertEquals(java.util.Map.of(), table.takeUntold());
    }
}
