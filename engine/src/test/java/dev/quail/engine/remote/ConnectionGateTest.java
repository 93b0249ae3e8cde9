package dev.quail.engine.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** One limit's gate: what it grants to the partitions that claim, even shares while several wait, expiry. */
class ConnectionGateTest {
    static final ActorTestKit KIT = ActorTestKit.create();
    final AtomicLong clock = new AtomicLong(1_000_000);
    final AtomicInteger idle = new AtomicInteger();
    final ActorRef<ConnectionGate.Command> gate = KIT.spawn(ConnectionGate.create("concurrencyremote", clock::get,
            self -> idle.incrementAndGet()));
    final Map<String, TestProbe<ConnectionGate.Allowed>> probes = new HashMap<>();

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    TestProbe<ConnectionGate.Allowed> probe(String holder) {
        return probes.computeIfAbsent(holder, h -> KIT.createTestProbe());
    }

    ConnectionGate.Allowed claim(String holder, int held, int wanted, int limit) {
        gate.tell(new ConnectionGate.Claim(holder, held, wanted, limit, probe(holder).ref()));
        while (true) { // past the word of others waiting, told when they began to (whileOthersWait... checks it)
            ConnectionGate.Allowed answer = probe(holder).receiveMessage(Duration.ofSeconds(5));
            if (answer.answer()) return answer;
        }
    }

    @Test
    void grantsUpToTheLimitOverEveryPartition() {
        assertEquals(new ConnectionGate.Allowed("concurrencyremote", 3, 5, true), claim("p1", 0, 3, 5));
        assertEquals(2, claim("p2", 0, 4, 5).granted(), "what p1 holds counts");
        assertEquals(0, claim("p3", 0, 1, 5).granted(), "none left");
        assertEquals(1, claim("p3", 0, 1, 6).granted(), "the last claim's limit is the gate's");
        claim("p1", 1, 0, 6);
        assertEquals(2, claim("p3", 1, 2, 6).granted(), "p1 gave two back by saying it holds one; p2 waits too, "
                + "but it has its even share of 6 (2): both are p3's");
        assertEquals(0, claim("p2", 2, 2, 6).granted(), "none left");
    }

    @Test
    void whileOthersWaitNoPartitionGetsMoreThanAnEvenShare() {
        assertEquals(4, claim("p1", 0, 4, 6).granted());
        ConnectionGate.Allowed second = claim("p2", 0, 6, 6);
        assertEquals(2, second.granted(), "the two left");
        assertEquals(6, second.share(), "nobody else waited");
        assertEquals(new ConnectionGate.Allowed("concurrencyremote", 0, 3, false), probe("p1").receiveMessage(),
                "p1 is told at once that p2 waits and 3 is its share");
        ConnectionGate.Allowed first = claim("p1", 4, 2, 6);
        assertEquals(0, first.granted());
        assertEquals(3, first.share(), "p2 waits: an even share of 6 for two");
        claim("p1", 3, 0, 6);
        assertEquals(1, claim("p2", 2, 4, 6).granted(), "p2 up to its share, not beyond");
    }

    @Test
    void aPartitionNotHeardFromHoldsNothingAndAnEmptyGateAsksToStop() {
        assertEquals(5, claim("p1", 0, 5, 5).granted());
        assertEquals(0, claim("p2", 0, 1, 5).granted());
        clock.addAndGet(ConnectionGate.EXPIRE.toMillis() - 1_000);
        assertEquals(0, claim("p2", 0, 1, 5).granted(), "p1 was heard from lately");
        clock.addAndGet(2_000);
        assertEquals(5, claim("p2", 0, 5, 5).granted(), "p1's node died: after EXPIRE without a claim it holds none");
        int before = idle.get();
        assertEquals(0, claim("p2", 0, 0, 5).granted());
        assertEquals(before + 1, idle.get(), "nothing held: the gate asks to be stopped");
    }
}
