package dev.quail.engine.remote;

import dev.quail.engine.OneNodeCluster;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Two queue partitions' SharedTcpto on a one-node cluster with the real replicator: what one tells, the other
 * learns, the latest word about an address winning, and marks past their time dropped.
 */
class SharedTcptoTest {
    static final ActorTestKit KIT = OneNodeCluster.start();

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    /** Waits until the partition behind probe learns a map that satisfies holds. */
    static void awaitLearned(TestProbe<SharedTcpto.Learned> probe, Predicate<List<SharedTcpto.Mark>> holds,
                             String what) {
        probe.fishForMessage(Duration.ofSeconds(10), what, learned -> holds.test(learned.marks())
                ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    }

    @Test
    void whatOnePartitionTellsTheOtherLearnsTheLatestWordWinning() {
        TestProbe<SharedTcpto.Learned> here = KIT.createTestProbe();
        TestProbe<SharedTcpto.Learned> there = KIT.createTestProbe();
        ActorRef<SharedTcpto.Command> mine = KIT.spawn(SharedTcpto.create(here.ref()));
        KIT.spawn(SharedTcpto.create(there.ref()));
        long now = System.currentTimeMillis();
        SharedTcpto.Mark down = new SharedTcpto.Mark("mx1.example.net mx2.example.net", "192.0.2.7", 2, now);
        mine.tell(new SharedTcpto.Tell(List.of(down), now));
        awaitLearned(there, marks -> marks.contains(down), "the mark, site key with its space included");

        SharedTcpto.Mark answered = new SharedTcpto.Mark(down.destination(), down.ip(), 0, now + 1_000);
        mine.tell(new SharedTcpto.Tell(List.of(answered), now + 1_000));
        awaitLearned(there, marks -> marks.contains(answered) && !marks.contains(down),
                "the address answered: the later word replaces the mark");

        long later = now + SharedTcpto.KEPT.toMillis() + 2_000;
        SharedTcpto.Mark other = new SharedTcpto.Mark("example.org", "2001:db8::1", 2, later);
        mine.tell(new SharedTcpto.Tell(List.of(other), later));
        awaitLearned(there, marks -> marks.equals(List.of(other)), "the word older than KEPT dropped");
    }
}
