package dev.quail.engine.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quail.engine.OneNodeCluster;
import dev.quail.engine.queue.Partitions;
import dev.quail.engine.queue.Queue;
import dev.quail.engine.remote.RemoteSpawn;
import dev.quail.persistence.body.Body;
import dev.quail.protocols.smtp.QueueResult;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The router on a one-node cluster with real Cluster Sharding: each partition is a stand-in Queue that reports
 * what reached it (and answers Stats with its own counts), so the test sees where every request went.
 */
class QueueShardsTest {
    record Reached(int partition, Queue.Command command) {}

    static final Partitions PARTITIONS = new Partitions(4);
    static final ActorTestKit KIT = OneNodeCluster.start();
    static final TestProbe<Reached> REACHED = KIT.createTestProbe();
    static final LocalPartitions LOCAL = new LocalPartitions(PARTITIONS);
    static ActorRef<Queue.Command> queue;

    @BeforeAll
    static void join() {
        queue = KIT.spawn(QueueShards.create(PARTITIONS, LOCAL, (partition, gates) -> Behaviors.receive(Queue.Command.class)
                .onMessage(Queue.Stats.class, s -> {
                    s.replyTo().tell(new Queue.Snapshot(partition, 1, 10));
                    return Behaviors.same();
                })
                .onMessageEquals(Queue.HandOff.INSTANCE, Behaviors::stopped)
                .onMessage(Queue.Downed.class, d -> d.request() instanceof RemoteSpawn.ListSites, d -> {
                    ((RemoteSpawn.ListSites) d.request()).replyTo().tell(new RemoteSpawn.SiteList(List.of(
                            site("mx.example.net", partition), site("mx" + partition + ".example.org", 1))));
                    return Behaviors.same();
                })
                .onMessage(Queue.Command.class, c -> {
                    if (c != Queue.Ensure.INSTANCE) REACHED.ref().tell(new Reached(partition, c));
                    return Behaviors.same();
                })
                .build()));
    }

    static RemoteSpawn.SiteView site(String name, int connections) {
        return new RemoteSpawn.SiteView(name, List.of("192.0.2.7"), List.of("example.net"), 1, connections, 0, 0L, 0L,
                "", "concurrency 20", List.of());
    }

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    @Test
    void aSubmissionReachesThePartitionItsIdNames() {
        for (int p = 0; p < PARTITIONS.count(); p++) {
            String id = PARTITIONS.in(p, "k9x2f1.node");
            Queue.Submit submit = new Queue.Submit(id, true, "a@example.org", List.of("b@example.net"),
                    Body.inline("hi\n".getBytes()), "test", KIT.<QueueResult>createTestProbe().ref());
            queue.tell(submit);
            assertEquals(new Reached(p, submit), REACHED.receiveMessage(Duration.ofSeconds(30)));
        }
    }

    @Test
    void sitesShowEachSiteOnceWithThePartitionsTrafficAddedUp() {
        TestProbe<RemoteSpawn.SiteList> sites = KIT.createTestProbe();
        queue.tell(new Queue.Downed(new RemoteSpawn.ListSites(sites.ref())));
        List<RemoteSpawn.SiteView> seen = sites.receiveMessage(Duration.ofSeconds(30)).sites();
        assertEquals(List.of("mx.example.net", "mx0.example.org", "mx1.example.org", "mx2.example.org",
                "mx3.example.org"), seen.stream().map(RemoteSpawn.SiteView::site).toList());
        assertEquals(0 + 1 + 2 + 3, seen.get(0).connections());
    }

    @Test
    void aFlushReachesEveryPartition() {
        queue.tell(Queue.Flush.INSTANCE);
        Set<Integer> flushed = new HashSet<>();
        for (int p = 0; p < PARTITIONS.count(); p++) {
            Reached reached = REACHED.receiveMessage(Duration.ofSeconds(30));
            assertEquals(Queue.Flush.INSTANCE, reached.command());
            flushed.add(reached.partition());
        }
        assertEquals(Set.of(0, 1, 2, 3), flushed);
    }

    @Test
    void qstatCountsAreTheSumOverThePartitions() {
        TestProbe<Queue.Snapshot> stats = KIT.createTestProbe();
        queue.tell(new Queue.Stats(stats.ref()));
        assertEquals(new Queue.Snapshot(0 + 1 + 2 + 3, 4, 40), stats.receiveMessage(Duration.ofSeconds(30)));
    }

    @Test
    void aHoldGoesToItsMessagesPartitionAndAStopIsAnsweredAtOnce() {
        String id = PARTITIONS.in(2, "held.node");
        Queue.Hold hold = new Queue.Hold(id, true, KIT.<Boolean>createTestProbe().ref());
        queue.tell(hold);
        assertEquals(new Reached(2, hold), REACHED.receiveMessage(Duration.ofSeconds(30)));
        TestProbe<Done> drained = KIT.createTestProbe();
        queue.tell(new Queue.Drain(drained.ref()));
        drained.expectMessage(Done.getInstance());
    }

    @Test
    void advancingSplitsTheMessagesByPartition() {
        String a = PARTITIONS.in(1, "a.node");
        String b = PARTITIONS.in(3, "b.node");
        TestProbe<Done> done = KIT.createTestProbe();
        queue.tell(new Queue.Advance(Map.of(a, 5L, b, 6L), done.ref()));
        Set<Reached> seen = new HashSet<>();
        for (int n = 0; n < 2; n++) {
            Reached reached = REACHED.receiveMessage(Duration.ofSeconds(30));
            Queue.Advance advance = (Queue.Advance) reached.command();
            seen.add(new Reached(reached.partition(), new Queue.Advance(advance.dueById(), null)));
            advance.replyTo().tell(Done.getInstance());
        }
        assertEquals(Set.of(new Reached(1, new Queue.Advance(Map.of(a, 5L), null)),
                new Reached(3, new Queue.Advance(Map.of(b, 6L), null))), seen);
        done.expectMessage(Done.getInstance());
    }
}
