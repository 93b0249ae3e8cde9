/*
 * The snapshot store plugin inside a real ActorSystem, in the journal's directory: a snapshotting
 * EventSourcedBehavior recovers from its latest snapshot plus the events after it, in a fresh ActorSystem, after
 * its early events were deleted; a 30 MB snapshot saves and recovers; loading honours the selection criteria,
 * deleting by criteria and by metadata removes just what it names; and a persistence id's snapshots go with its
 * last event.
 */
package dev.quail.persistence.journal;

import static dev.quail.persistence.journal.CounterProbes.add;
import static dev.quail.persistence.journal.CounterProbes.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.DeleteMessagesSuccess;
import org.apache.pekko.persistence.DeleteSnapshotSuccess;
import org.apache.pekko.persistence.DeleteSnapshotsSuccess;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.SaveSnapshotSuccess;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotProtocol;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.OptionConverters;

class LevelDbSnapshotStoreTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private ActorTestKit kit;
    private long lastTimestamp;

    private ActorTestKit start() {
        kit = ActorTestKit.create(ConfigFactory.parseString(
                "pekko.persistence.journal.plugin = \"quail.journal\"\n"
                        + "pekko.persistence.snapshot-store.plugin = \"quail.snapshot\"\n"
                        + "quail.journal.dir = \"" + dir.resolve("journal") + "\"\n"));
        return kit;
    }

    private ActorTestKit restart() {
        kit.shutdownTestKit();
        return start();
    }

    @AfterEach
    void stop() {
        if (kit != null) {
            kit.shutdownTestKit();
        }
    }

    private JournalStore store() {
        return JournalStores.get(Adapter.toClassic(kit.system())).open(dir.resolve("journal"), true);
    }

    private List<Integer> storedEvents(String pid) throws Exception {
        List<Integer> seqNrs = new ArrayList<>();
        try (EventCursor cursor = store().eventCursor(pid, 0, Long.MAX_VALUE)) {
            for (var event = cursor.next(); event.isPresent(); event = cursor.next()) {
                seqNrs.add((int) event.get().seqNr());
            }
        }
        return seqNrs;
    }

    /** Sends the snapshot plugin {@code request} and returns its answer. */
    private Object ask(Object request) {
        TestProbe<Object> probe = kit.createTestProbe();
        Persistence.get(kit.system()).snapshotStoreFor("quail.snapshot", ConfigFactory.empty())
                .tell(request, Adapter.toClassic(probe.getRef()));
        return probe.receiveMessage(WAIT);
    }

    /** Deletes the events of {@code pid} up to {@code toSeqNr} through the journal plugin, as an actor would. */
    private void deleteEvents(String pid, long toSeqNr) {
        TestProbe<Object> probe = kit.createTestProbe();
        org.apache.pekko.actor.ActorRef actor = Adapter.toClassic(probe.getRef());
        Persistence.get(kit.system()).journalFor("quail.journal", ConfigFactory.empty())
                .tell(new JournalProtocol.DeleteMessagesTo(pid, toSeqNr, actor), actor);
        assertEquals(new DeleteMessagesSuccess(toSeqNr), probe.receiveMessage(WAIT));
    }

    private Optional<SelectedSnapshot> load(String pid, SnapshotSelectionCriteria criteria) {
        Object result = ask(new SnapshotProtocol.LoadSnapshot(pid, criteria, Long.MAX_VALUE));
        return OptionConverters.toJava(((SnapshotProtocol.LoadSnapshotResult) result).snapshot());
    }

    private Optional<Object> loaded(String pid, SnapshotSelectionCriteria criteria) {
        return load(pid, criteria).map(SelectedSnapshot::snapshot);
    }

    /**
     * Saves a snapshot; returns its timestamp, which the plugin protocol sets. It waits for the clock to move
     * past the last one first, so that snapshots can be told apart by time.
     */
    private long save(String pid, long seqNr, String snapshot) {
        long after = lastTimestamp;
        while (System.currentTimeMillis() <= after) {
            Thread.onSpinWait();
        }
        Object saved = ask(new SnapshotProtocol.SaveSnapshot(new SnapshotMetadata(pid, seqNr, 0), snapshot));
        SnapshotMetadata metadata = ((SaveSnapshotSuccess) saved).metadata();
        assertEquals(seqNr, metadata.sequenceNr());
        lastTimestamp = metadata.timestamp();
        return lastTimestamp;
    }

    @Test
    void actorRecoversFromItsLatestSnapshotAndTheEventsAfterIt() throws Exception {
        start();
        RetentionCriteria retention = RetentionCriteria.snapshotEvery(2, 1).withDeleteEventsOnSnapshot();
        add(kit, kit.spawn(Counter.snapshotting("ledger", retention)), 1, 2, 3, 4, 5);
        // Events 1 and 2 went with the snapshot at 4: the events left sum to 12, only the snapshot gives 15.
        assertEquals(List.of(3, 4, 5), storedEvents("ledger"));

        restart();
        ActorRef<Counter.Command> recovered = kit.spawn(Counter.snapshotting("ledger", retention));
        assertEquals(15, sum(kit, recovered));
        add(kit, recovered, 6);
        assertEquals(21, sum(kit, recovered));
    }

    @Test
    void thirtyMegabyteSnapshotSavesAndRecovers() throws Exception {
        start();
        ActorRef<Scroll.Command> scroll = kit.spawn(Scroll.create("index"));
        TestProbe<Done> done = kit.createTestProbe();
        scroll.tell(new Scroll.Grow(30_000_000, done.getRef()));
        done.expectMessage(WAIT, Done.getInstance());
        scroll.tell(new Scroll.Grow(5, done.getRef()));
        done.expectMessage(WAIT, Done.getInstance());
        // Without its first event the scroll can only come back through its snapshot.
        deleteEvents("index", 1);
        assertEquals(List.of(2), storedEvents("index"));

        restart();
        TestProbe<String> text = kit.createTestProbe();
        kit.spawn(Scroll.create("index")).tell(new Scroll.Read(text.getRef()));
        String recovered = text.receiveMessage(WAIT);
        assertEquals(30_000_005, recovered.length());
        assertTrue(Scroll.text(30_000_000, 5).equals(recovered), "recovered text differs");
    }

    @Test
    void loadTakesTheLatestSnapshotWithinTheCriteria() {
        start();
        save("p", 10, "ten");
        long twentyAt = save("p", 20, "twenty");
        save("p", 30, "thirty");
        save("q", 40, "other id");

        assertEquals(Optional.of("thirty"), loaded("p", SnapshotSelectionCriteria.latest()));
        assertEquals(30, load("p", SnapshotSelectionCriteria.latest()).orElseThrow().metadata().sequenceNr());
        assertEquals(Optional.of("twenty"), loaded("p", SnapshotSelectionCriteria.create(29, Long.MAX_VALUE)));
        assertEquals(Optional.of("twenty"), loaded("p", SnapshotSelectionCriteria.create(Long.MAX_VALUE, twentyAt)));
        assertEquals(Optional.of("ten"), loaded("p", SnapshotSelectionCriteria.create(Long.MAX_VALUE, twentyAt - 1)));
        assertEquals(Optional.of("twenty"), loaded("p", SnapshotSelectionCriteria.create(25, Long.MAX_VALUE, 15, 0)));
        assertEquals(Optional.empty(), loaded("p", SnapshotSelectionCriteria.create(25, Long.MAX_VALUE, 21, 0)));
        assertEquals(Optional.empty(), loaded("p", SnapshotSelectionCriteria.create(Long.MAX_VALUE,
                Long.MAX_VALUE, 10, twentyAt + 1_000_000)));
        assertEquals(Optional.empty(), loaded("p", SnapshotSelectionCriteria.none()));
        assertEquals(Optional.empty(), loaded("nobody", SnapshotSelectionCriteria.latest()));

        save("p", 30, "thirty again");
        assertEquals(Optional.of("thirty again"), loaded("p", SnapshotSelectionCriteria.latest()));
    }

    @Test
    void deletesRemoveWhatTheyNameAndNoMore() {
        start();
        save("p", 10, "ten");
        save("p", 20, "twenty");
        long thirtyAt = save("p", 30, "thirty");

        SnapshotSelectionCriteria upTo20 = SnapshotSelectionCriteria.create(20, Long.MAX_VALUE);
        assertEquals(new DeleteSnapshotsSuccess(upTo20), ask(new SnapshotProtocol.DeleteSnapshots("p", upTo20)));
        assertEquals(Optional.empty(), loaded("p", upTo20));
        assertEquals(Optional.of("thirty"), loaded("p", SnapshotSelectionCriteria.latest()));

        SnapshotMetadata otherTime = new SnapshotMetadata("p", 30, thirtyAt + 1);
        assertEquals(new DeleteSnapshotSuccess(otherTime), ask(new SnapshotProtocol.DeleteSnapshot(otherTime)));
        assertEquals(Optional.of("thirty"), loaded("p", SnapshotSelectionCriteria.latest()));

        SnapshotMetadata itsTime = new SnapshotMetadata("p", 30, thirtyAt);
        assertEquals(new DeleteSnapshotSuccess(itsTime), ask(new SnapshotProtocol.DeleteSnapshot(itsTime)));
        assertEquals(Optional.empty(), loaded("p", SnapshotSelectionCriteria.latest()));

        save("p", 40, "forty");
        SnapshotMetadata anyTime = new SnapshotMetadata("p", 40, 0);
        assertEquals(new DeleteSnapshotSuccess(anyTime), ask(new SnapshotProtocol.DeleteSnapshot(anyTime)));
        assertEquals(Optional.empty(), loaded("p", SnapshotSelectionCriteria.latest()));
    }

    @Test
    void snapshotsGoWithTheLastEventOfTheirPersistenceId() throws Exception {
        start();
        RetentionCriteria retention = RetentionCriteria.snapshotEvery(2, 2);
        add(kit, kit.spawn(Counter.snapshotting("msg-1", retention)), 1, 2, 3);
        add(kit, kit.spawn(Counter.snapshotting("msg-2", retention)), 1, 2);
        assertTrue(load("msg-1", SnapshotSelectionCriteria.latest()).isPresent());

        deleteEvents("msg-1", 2);
        assertTrue(load("msg-1", SnapshotSelectionCriteria.latest()).isPresent(), "an event of msg-1 is left");

        deleteEvents("msg-1", 3);
        assertEquals(Optional.empty(), load("msg-1", SnapshotSelectionCriteria.latest()));
        assertTrue(load("msg-2", SnapshotSelectionCriteria.latest()).isPresent());
    }
}
