package dev.quail.engine.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.config.Shaping;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A partition's side of the connection gates: what it claims, when, and what it gives back. */
class LeasesTest {
    static final ActorTestKit KIT = ActorTestKit.create();
    final TestProbe<ConnectionGate.Command> gate = KIT.createTestProbe();
    final TestProbe<ConnectionGate.Allowed> answers = KIT.createTestProbe();
    final AtomicLong clock = new AtomicLong(1_000_000);
    final Leases leases = new Leases(new ConnectionGate.Gates("partition 1", name -> gate.ref()), answers.ref(),
            clock::get);

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    void settle(int concurrencyremote, String... waiting) {
        leases.settle(List.of(waiting), key -> Shaping.Limits.NONE, concurrencyremote);
    }

    ConnectionGate.Claim claim() {
        return (ConnectionGate.Claim) gate.receiveMessage(Duration.ofSeconds(5));
    }

    @Test
    void claimsWhatWaitsAndGivesBackWhatIsNoLongerUsed() {
        assertFalse(leases.take("mx.example.net", Shaping.Limits.NONE), "no lease yet");
        settle(20, "mx.example.net", "mx.example.org");
        ConnectionGate.Claim first = claim();
        assertEquals(List.of("partition 1", 0, 2, 20), List.of(first.holder(), first.held(), first.wanted(),
                first.limit()));
        settle(20, "mx.example.net", "mx.example.org");
        gate.expectNoMessage(Duration.ofMillis(100));
        leases.allowed(new ConnectionGate.Allowed(ConnectionGate.CONCURRENCYREMOTE, 2, 20, true));
        assertTrue(leases.take("mx.example.net", Shaping.Limits.NONE));
        assertTrue(leases.take("mx.example.org", Shaping.Limits.NONE));
        assertFalse(leases.take("mx.example.com", Shaping.Limits.NONE), "both in use");
        leases.release("mx.example.org");
        settle(20);
        ConnectionGate.Claim back = claim();
        assertEquals(List.of(1, 0), List.of(back.held(), back.wanted()), "the unused lease goes back at once");
    }

    @Test
    void concurrencyremote0HoldsTheChannelWithoutClaiming() {
        settle(0, "mx.example.net");
        gate.expectNoMessage(Duration.ofMillis(200));
        assertFalse(leases.starved());
    }

    @Test
    void aPartitionToldItIsAboveItsShareGivesConnectionsBack() {
        settle(4, "a", "b", "c", "d");
        claim();
        leases.allowed(new ConnectionGate.Allowed(ConnectionGate.CONCURRENCYREMOTE, 4, 4, true));
        for (String key : new String[] {"a", "b", "c", "d"}) assertTrue(leases.take(key, Shaping.Limits.NONE));
        assertFalse(leases.pressed());
        leases.allowed(new ConnectionGate.Allowed(ConnectionGate.CONCURRENCYREMOTE, 0, 2, false));
        assertTrue(leases.pressed(), "another partition waits");
        assertEquals(2, leases.excess(ConnectionGate.CONCURRENCYREMOTE), "two connections above the share of 2");
    }

    @Test
    void aClaimWithoutAnAnswerIsSentAgainAfterAWhile() {
        settle(20, "a");
        claim();
        leases.renew();
        gate.expectNoMessage(Duration.ofMillis(100));
        clock.addAndGet(Leases.LOST_AFTER_MILLIS + 1);
        leases.renew();
        assertEquals(1, claim().wanted(), "its gate was on a node that died: asked again");
    }
}
