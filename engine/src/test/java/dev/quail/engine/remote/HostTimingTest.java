package dev.quail.engine.remote;

import dev.quail.engine.MemoryBodies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.quail.engine.Controls;
import dev.quail.engine.TestHomes;
import dev.quail.engine.delivery.DeliveryResult;
import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.delivery.SpawnStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The timed parts, on Pekko's ManualTime (which also drives the TCP connect timeout): an idle connection is
 * kept for the reuse window and no longer, then its Host stops; the downed-host backoff (TCPTO-12, TCPTO-14)
 * with the table's clock moved along with the scheduler's.
 */
class HostTimingTest {
    private static final Duration REUSE = Duration.ofSeconds(10);
    private static final long BACKOFF = 3_840_000;
    private static final MemoryBodies STORE = new MemoryBodies();
    private static ActorTestKit testKit;
    private static ManualTime manualTime;
    private final AtomicLong clock = new AtomicLong(2_000_000_000L);
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @BeforeAll
    static void start() {
        testKit = ActorTestKit.create(ManualTime.config().withFallback(ConfigFactory.load()));
        manualTime = ManualTime.get(testKit.system());
    }

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeAfter) c.close();
    }

    private void advance(Duration d) {
        clock.addAndGet(d.toMillis());
        manualTime.timePasses(d);
    }

    private ActorRef<RemoteSpawn.Command> spawn(String name, Map<String, String> files) throws Exception {
        return spawn(name, TestHomes.controls(files));
    }

    private ActorRef<RemoteSpawn.Command> spawn(String name, Controls controls) {
        RemoteSpawn.Environment env = new RemoteSpawn.Environment(25, CurrentDns::standardResolver, clock::get,
                BACKOFF, Optional.of(REUSE));
        return testKit.spawn(RemoteSpawn.create(controls, new SpawnStatus(), env, STORE), name);
    }

    private static RemoteJob job(TestProbe<DeliveryResult> probe, String recipient) {
        return new RemoteJob("m", STORE.put("msg-m", "Subject: t\n\nbody\n".getBytes(StandardCharsets.ISO_8859_1)),
                List.of(new RemoteJob.Target(0, "a@x.org", recipient)), probe.ref());
    }

    @Test
    void anIdleConnectionQuitsAtTheEndOfTheReuseWindowAndItsHostStops() throws Exception {
        SmtpPeer peer = SmtpPeer.start("127.0.83.61");
        closeAfter.add(peer);
        var spawn = spawn("idle", Map.of("smtproutes", ":127.0.83.61:" + peer.port + "\n"));
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        spawn.tell(new RemoteSpawn.Deliver(job(probe, "b@y.test")));
        assertTrue(probe.receiveMessage(Duration.ofSeconds(10)).outcome() instanceof Outcome.Success);
        var classic = testKit.system().classicSystem().actorSelection(Adapter.toClassic(spawn).path().child("host-1"))
                .resolveOne(Duration.ofSeconds(5)).toCompletableFuture().get(5, TimeUnit.SECONDS);
        TestProbe<Object> watcher = testKit.createTestProbe();

        advance(REUSE.minusMillis(1));
        Thread.sleep(300);
        assertFalse(peer.events.contains("127.0.83.61 QUIT"), "kept for reuse until the window ends");
        advance(Duration.ofMillis(1));
        watcher.expectTerminated(Adapter.toTyped(classic), Duration.ofSeconds(10));
        assertTrue(peer.events.contains("127.0.83.61 QUIT"), peer.events.toString());
        assertEquals(1, peer.connections.get());
    }

    @Test
    void tcpto_aDownAddressIsSkippedUntilTheBackoffHasPassed() throws Exception {
        var full = RemoteSpawnTest.Backlog.full("127.0.83.62", closeAfter);
        var spawn = spawn("backoff", Map.of("smtproutes", ":127.0.83.62:" + full.getLocalPort() + "\n",
                "timeoutconnect", "5\n"));
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        TestProbe<RemoteSpawn.DownedList> downed = testKit.createTestProbe();
        Outcome unreachable = new Outcome.Deferral(Connection.UNREACHABLE);

        spawn.tell(new RemoteSpawn.Deliver(job(probe, "b@y.test")));
        probe.expectNoMessage(Duration.ofMillis(300));
        advance(Duration.ofSeconds(5));
        assertEquals(unreachable, probe.receiveMessage(Duration.ofSeconds(5)).outcome(), "timed out at 5 s");

        advance(Duration.ofMillis(DownedHosts.REPEAT_MILLIS));
        spawn.tell(new RemoteSpawn.Deliver(job(probe, "b@y.test")));
        probe.expectNoMessage(Duration.ofMillis(300));
        advance(Duration.ofSeconds(5));
        assertEquals(unreachable, probe.receiveMessage(Duration.ofSeconds(5)).outcome());
        spawn.tell(new RemoteSpawn.ListDowned(downed.ref()));
        assertEquals(List.of(new RemoteSpawn.DownedHost("relay 127.0.83.62:" + full.getLocalPort(), "127.0.83.62", clock.get(), 2)), downed.receiveMessage().hosts());

        advance(Duration.ofMillis(BACKOFF - 1));
        spawn.tell(new RemoteSpawn.Deliver(job(probe, "b@y.test")));
        assertEquals(unreachable, probe.receiveMessage(Duration.ofSeconds(5)).outcome(), "skipped while down");

        advance(Duration.ofMillis(1));
        spawn.tell(new RemoteSpawn.Deliver(job(probe, "b@y.test")));
        probe.expectNoMessage(Duration.ofMillis(300));
        advance(Duration.ofSeconds(5));
        assertEquals(unreachable, probe.receiveMessage(Duration.ofSeconds(5)).outcome(), "tried again after it");
        spawn.tell(new RemoteSpawn.ListDowned(downed.ref()));
        assertEquals(3, downed.receiveMessage().hosts().get(0).count());
    }

    /** TCPTO-10: like qmail's tcpto file, the marks outlive a restart of the server (here: of the spawn). */
    @Test
    void tcpto_theMarksOutliveARestart() throws Exception {
        var full = RemoteSpawnTest.Backlog.full("127.0.83.63", closeAfter);
        Controls controls = TestHomes.controls(Map.of("smtproutes", ":127.0.83.63:" + full.getLocalPort() + "\n",
                "timeoutconnect", "5\n"));
        var first = spawn("before", controls);
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        Outcome unreachable = new Outcome.Deferral(Connection.UNREACHABLE);
        for (int i = 0; i < 2; i++) {
            first.tell(new RemoteSpawn.Deliver(job(probe, "b@y.test")));
            probe.expectNoMessage(Duration.ofMillis(300));
            advance(Duration.ofSeconds(5));
            assertEquals(unreachable, probe.receiveMessage(Duration.ofSeconds(5)).outcome());
            advance(Duration.ofMillis(DownedHosts.REPEAT_MILLIS));
        }
        advance(RemoteSpawn.SAVE_EVERY);
        Path file = controls.home().queue().resolve("tcpto");
        TestProbe<Object> watcher = testKit.createTestProbe();
        watcher.awaitAssert(Duration.ofSeconds(5), () -> {
            assertTrue(Files.exists(file) && Files.readString(file).startsWith("127.0.83.63 2 "));
            return null;
        });
        testKit.stop(first);

        var second = spawn("after", controls);
        TestProbe<RemoteSpawn.DownedList> downed = testKit.createTestProbe();
        second.tell(new RemoteSpawn.ListDowned(downed.ref()));
        assertEquals(2, downed.receiveMessage().hosts().get(0).count());
        second.tell(new RemoteSpawn.Deliver(job(probe, "b@y.test")));
        assertEquals(unreachable, probe.receiveMessage(Duration.ofSeconds(5)).outcome(),
                "still down after the restart: no connection attempt");
    }
}
