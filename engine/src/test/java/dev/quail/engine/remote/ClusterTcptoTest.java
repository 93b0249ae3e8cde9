package dev.quail.engine.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quail.engine.MemoryBodies;
import dev.quail.engine.OneNodeCluster;
import dev.quail.engine.TestHomes;
import dev.quail.engine.delivery.DeliveryResult;
import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.delivery.SpawnStatus;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two queue partitions' RemoteSpawns on a one-node cluster (the real replicator, real connection gates): an
 * address one partition found down after two connect timeouts is skipped by the other, which never tried it.
 */
class ClusterTcptoTest {
    static final ActorTestKit KIT = OneNodeCluster.start();
    static final MemoryBodies STORE = new MemoryBodies();
    final AtomicLong clock = new AtomicLong(System.currentTimeMillis());
    final List<AutoCloseable> closeAfter = new ArrayList<>();
    final Map<String, ActorRef<ConnectionGate.Command>> gates = new ConcurrentHashMap<>();

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeAfter) c.close();
    }

    ActorRef<RemoteSpawn.Command> partition(int number, Map<String, String> files) throws Exception {
        RemoteSpawn.Environment env = new RemoteSpawn.Environment(25, CurrentDns::standardResolver, clock::get,
                3_840_000, Optional.empty());
        return KIT.spawn(RemoteSpawn.create(TestHomes.controls(files), new SpawnStatus(), env, STORE,
                Optional.of(new ConnectionGate.Gates("partition " + number, name -> gates.computeIfAbsent(name,
                        n -> KIT.spawn(ConnectionGate.create(n, System::currentTimeMillis, self -> { })))))));
    }

    static RemoteJob job(TestProbe<DeliveryResult> probe) {
        return new RemoteJob("m", STORE.put("msg-m", "Subject: t\n\nbody\n".getBytes(StandardCharsets.ISO_8859_1)),
                List.of(new RemoteJob.Target(0, "a@x.org", "b@y.test")), probe.ref());
    }

    @Test
    void anAddressOnePartitionFoundDownIsSkippedByTheOthers() throws Exception {
        ServerSocket full = RemoteSpawnTest.Backlog.full("127.0.83.71", closeAfter);
        Map<String, String> files = Map.of("smtproutes", ":127.0.83.71:" + full.getLocalPort() + "\n",
                "timeoutconnect", "1\n");
        var first = partition(1, files);
        var second = partition(2, files);
        TestProbe<DeliveryResult> probe = KIT.createTestProbe();
        Outcome unreachable = new Outcome.Deferral(Connection.UNREACHABLE);
        for (int i = 0; i < 2; i++) {
            first.tell(new RemoteSpawn.Deliver(job(probe)));
            assertEquals(unreachable, probe.receiveMessage(Duration.ofSeconds(5)).outcome(), "a connect timeout");
            clock.addAndGet(DownedHosts.REPEAT_MILLIS);
        }
        TestProbe<RemoteSpawn.DownedList> downed = KIT.createTestProbe();
        String destination = "relay 127.0.83.71:" + full.getLocalPort();
        downed.awaitAssert(RemoteSpawn.SAVE_EVERY.multipliedBy(3), () -> {
            second.tell(new RemoteSpawn.ListDowned(downed.ref()));
            assertEquals(List.of(new RemoteSpawn.DownedHost(destination, "127.0.83.71",
                    clock.get() - DownedHosts.REPEAT_MILLIS, 2)), downed.receiveMessage().hosts());
            return null;
        });
        long asked = System.nanoTime();
        second.tell(new RemoteSpawn.Deliver(job(probe)));
        assertEquals(unreachable, probe.receiveMessage(Duration.ofSeconds(5)).outcome());
        long waited = Duration.ofNanos(System.nanoTime() - asked).toMillis();
        assertEquals(true, waited < 900, "skipped, not tried: answered in " + waited + " ms, the timeout is 1 s");
    }
}
