package dev.quail.engine.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import dev.quail.engine.Controls;
import dev.quail.engine.MemoryBodies;
import dev.quail.engine.TestHomes;
import dev.quail.engine.delivery.Injector;
import dev.quail.engine.local.LocalSpawn;
import dev.quail.engine.remote.RemoteSpawn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The due-time index survives restarts, snapshots as it grows, and lets a start skip recovering sleepers. */
class ScheduleIndexTest {
    private ActorTestKit testKit;
    private SnapshotTestKit snapshots;

    @BeforeEach
    void start() {
        testKit = ActorTestKit.create(PersistenceTestKitSnapshotPlugin.config()
                .withFallback(ConfigFactory.parseString("pekko.persistence.snapshot-store.plugin = "
                        + "\"pekko.persistence.testkit.snapshotstore.pluginid\""))
                .withFallback(TestHomes.persistenceTestKit()));
        snapshots = SnapshotTestKit.create(testKit.system());
        PersistenceTestKit.create(testKit.system()).clearAll();
    }

    @AfterEach
    void stop() {
        testKit.shutdownTestKit();
    }

    private List<ScheduleIndex.Asleep> read(ActorRef<ScheduleIndex.Command> index) {
        TestProbe<ScheduleIndex.Contents> probe = testKit.createTestProbe();
        index.tell(new ScheduleIndex.Read(probe.ref()));
        List<ScheduleIndex.Asleep> out = new ArrayList<>(probe.receiveMessage(Duration.ofSeconds(10)).asleep());
        out.sort(Comparator.comparing(ScheduleIndex.Asleep::id));
        return out;
    }

    @Test
    void aRestartedIndexKnowsWhatItWasTold() {
        ActorRef<ScheduleIndex.Command> index = testKit.spawn(ScheduleIndex.create(ScheduleIndex.PERSISTENCE_ID));
        index.tell(new ScheduleIndex.Update(List.of(new ScheduleIndex.Asleep("a", 10, 100),
                new ScheduleIndex.Asleep("b", 20, 200)), List.of()));
        index.tell(new ScheduleIndex.Update(List.of(new ScheduleIndex.Asleep("a", 30, 100)), List.of("b")));
        read(index);
        testKit.stop(index);
        assertEquals(List.of(new ScheduleIndex.Asleep("a", 30, 100)), read(testKit.spawn(ScheduleIndex.create(ScheduleIndex.PERSISTENCE_ID))));
    }

    @Test
    void itSnapshotsAsItGrowsAndRecoversFromTheSnapshot() {
        ActorRef<ScheduleIndex.Command> index = testKit.spawn(ScheduleIndex.create(ScheduleIndex.PERSISTENCE_ID));
        for (int i = 0; i < ScheduleIndex.SNAPSHOT_EVERY; i++) {
            index.tell(new ScheduleIndex.Update(List.of(new ScheduleIndex.Asleep("m" + i, i, 1)), List.of()));
        }
        ScheduleIndex.Snapshot taken = snapshots.expectNextPersistedClass(ScheduleIndex.PERSISTENCE_ID,
                ScheduleIndex.Snapshot.class);
        assertEquals(ScheduleIndex.SNAPSHOT_EVERY, taken.asleep().size());
        testKit.stop(index);
        assertEquals(ScheduleIndex.SNAPSHOT_EVERY, read(testKit.spawn(ScheduleIndex.create(ScheduleIndex.PERSISTENCE_ID))).size());
    }

    private static <T> Behavior<T> ignore(Class<T> type) {
        return Behaviors.receive(type).onAnyMessage(m -> Behaviors.same()).build();
    }

    /** A start puts indexed sleepers back to sleep unrecovered, recovers what the index did not know, drops the rest. */
    @Test
    void aStartReadsTheIndexInsteadOfRecoveringSleepers() throws Exception {
        long future = System.currentTimeMillis() + 3_600_000;
        ActorRef<ScheduleIndex.Command> before = testKit.spawn(ScheduleIndex.create(ScheduleIndex.PERSISTENCE_ID));
        before.tell(new ScheduleIndex.Update(List.of(new ScheduleIndex.Asleep("sleeper", future, 10),
                new ScheduleIndex.Asleep("finished-meanwhile", future, 10)), List.of()));
        read(before);
        testKit.stop(before);

        Controls controls = TestHomes.controls(Map.of());
        ActorRef<Queue.Command> queue = testKit.spawn(Queue.create(new Queue.Setup(controls, TestHomes.ids()::next,
                Runnable::run, new MemoryBodies(), () -> Source.from(List.of("sleeper", "unknown")), new Traces(),
                ScheduleIndex.PERSISTENCE_ID, "queue"),
                testKit.<Queue.Failed>createTestProbe().ref(), new Queue.Children() {
                    @Override
                    public Behavior<LocalSpawn.Command> localSpawn(Injector injector) {
                        return ignore(LocalSpawn.Command.class);
                    }

                    @Override
                    public Behavior<RemoteSpawn.Command> remoteSpawn() {
                        return ignore(RemoteSpawn.Command.class);
                    }

                    @Override
                    public Behavior<Cleaner.Command> cleaner() {
                        return ignore(Cleaner.Command.class);
                    }
                }));
        TestProbe<Queue.Snapshot> stats = testKit.createTestProbe();
        stats.awaitAssert(Duration.ofSeconds(10), () -> {
            queue.tell(new Queue.Stats(stats.ref()));
            assertEquals(new Queue.Snapshot(0, 1, 0), stats.receiveMessage(),
                    "the sleeper asleep, the unknown one recovered (empty: gone), the stale entry dropped");
            return null;
        });
    }
}
