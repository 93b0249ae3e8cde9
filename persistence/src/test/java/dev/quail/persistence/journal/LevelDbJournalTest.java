/*
 * The journal plugin inside a real ActorSystem: an EventSourcedBehavior persists
 * through quail.journal into a temp directory and a fresh ActorSystem on the same
 * directory recovers it; replay bounds and deletion are driven through Pekko's
 * journal protocol; live ids come from the quail.journal-query read journal;
 * a rejected or failed write never looks like a success to the writer.
 */
package dev.quail.persistence.journal;

import static dev.quail.persistence.journal.CounterProbes.add;
import static dev.quail.persistence.journal.CounterProbes.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;


import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.DeleteMessagesSuccess;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.PersistentEnvelope;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

class LevelDbJournalTest {
    @TempDir
    Path dir;

    private ActorTestKit kit;

    private ActorTestKit start() {
        Config config = ConfigFactory.parseString(
                "pekko.persistence.journal.plugin = \"quail.journal\"\n"
                        + "pekko.persistence.snapshot-store.plugin = \"\"\n"
                        + "quail.journal.dir = \"" + dir.resolve("journal") + "\"\n");
        kit = ActorTestKit.create(config);
        return kit;
    }

    @AfterEach
    void stop() {
        if (kit != null) {
            kit.shutdownTestKit();
        }
    }

    private static org.apache.pekko.actor.ActorRef journal(ActorTestKit kit) {
        return Persistence.get(kit.system()).journalFor("quail.journal", ConfigFactory.empty());
    }

    private static List<String> liveIds(ActorTestKit kit) throws Exception {
        return PersistenceQuery.get(kit.system())
                .getReadJournalFor(LevelDbReadJournal.class, LevelDbReadJournal.IDENTIFIER)
                .currentPersistenceIds()
                .runWith(Sink.seq(), kit.system())
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private static List<EventEnvelope> events(ActorTestKit kit, String pid, long from, long to) throws Exception {
        return PersistenceQuery.get(kit.system())
                .getReadJournalFor(LevelDbReadJournal.class, LevelDbReadJournal.IDENTIFIER)
                .currentEventsByPersistenceId(pid, from, to)
                .runWith(Sink.seq(), kit.system())
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void stateSurvivesANewActorSystemOnTheSameDirectory() {
        ActorTestKit first = start();
        add(first, first.spawn(Counter.create("msg-1")), 1, 2, 3);
        first.shutdownTestKit();

        ActorTestKit second = start();
        ActorRef<Counter.Command> recovered = second.spawn(Counter.create("msg-1"));
        assertEquals(6, sum(second, recovered));
        add(second, recovered, 4);
        assertEquals(10, sum(second, recovered));
    }

    @Test
    void replayHonoursFromToAndMax() {
        ActorTestKit kit = start();
        add(kit, kit.spawn(Counter.create("msg-2")), 10, 20, 30, 40, 50);
        TestProbe<Object> probe = kit.createTestProbe();
        org.apache.pekko.actor.ActorRef replyTo = Adapter.toClassic(probe.getRef());

        journal(kit).tell(new JournalProtocol.ReplayMessages(2, 4, 2, "msg-2", replyTo), replyTo);
        assertEquals(20, replayedPayload(probe));
        assertEquals(30, replayedPayload(probe));
        assertEquals(new JournalProtocol.RecoverySuccess(5), probe.receiveMessage());

        journal(kit).tell(new JournalProtocol.ReplayMessages(4, Long.MAX_VALUE, Long.MAX_VALUE, "msg-2", replyTo),
                replyTo);
        assertEquals(40, replayedPayload(probe));
        assertEquals(50, replayedPayload(probe));
        assertEquals(new JournalProtocol.RecoverySuccess(5), probe.receiveMessage());
    }

    private static Object replayedPayload(TestProbe<Object> probe) {
        Object message = probe.receiveMessage();
        assertTrue(message instanceof JournalProtocol.ReplayedMessage, "got " + message);
        return ((JournalProtocol.ReplayedMessage) message).persistent().payload();
    }

    @Test
    void deletingAllEventsRemovesThePersistenceIdFromLiveIds() throws Exception {
        ActorTestKit kit = start();
        add(kit, kit.spawn(Counter.create("msg-3")), 1, 2);
        add(kit, kit.spawn(Counter.create("msg-4")), 1);
        assertEquals(List.of("msg-3", "msg-4"), liveIds(kit));
        TestProbe<Object> probe = kit.createTestProbe();
        org.apache.pekko.actor.ActorRef replyTo = Adapter.toClassic(probe.getRef());

        journal(kit).tell(new JournalProtocol.DeleteMessagesTo("msg-3", 1, replyTo), replyTo);
        assertEquals(new DeleteMessagesSuccess(1), probe.receiveMessage(Duration.ofSeconds(5)));
        assertEquals(List.of("msg-3", "msg-4"), liveIds(kit), "one event of msg-3 is left");

        journal(kit).tell(new JournalProtocol.DeleteMessagesTo("msg-3", 2, replyTo), replyTo);
        assertEquals(new DeleteMessagesSuccess(2), probe.receiveMessage(Duration.ofSeconds(5)));
        assertEquals(List.of("msg-4"), liveIds(kit));
        assertFalse(JournalStores.get(Adapter.toClassic(kit.system()))
                .open(dir.resolve("journal"), true).liveIds().contains("msg-3"));
    }

    @Test
    void currentEventsByPersistenceIdStreamsOneIdsEventsWithinBounds() throws Exception {
        ActorTestKit kit = start();
        long before = System.currentTimeMillis();
        add(kit, kit.spawn(Counter.create("msg-8")), 5, 6, 7);
        add(kit, kit.spawn(Counter.create("msg-80")), 9);

        List<EventEnvelope> all = events(kit, "msg-8", 0, Long.MAX_VALUE);
        assertEquals(List.of(5, 6, 7), all.stream().map(EventEnvelope::event).toList());
        assertEquals(List.of(1L, 2L, 3L), all.stream().map(EventEnvelope::sequenceNr).toList());
        assertEquals(Offset.sequence(2), all.get(1).offset());
        assertTrue(all.stream().allMatch(e -> e.persistenceId().equals("msg-8") && e.timestamp() >= before));

        assertEquals(List.of(6), events(kit, "msg-8", 2, 2).stream().map(EventEnvelope::event).toList());
        assertEquals(List.of(7), events(kit, "msg-8", 3, 10).stream().map(EventEnvelope::event).toList());
        assertEquals(List.of(), events(kit, "msg-8", 4, Long.MAX_VALUE));
        assertEquals(List.of(), events(kit, "msg-nobody", 0, Long.MAX_VALUE));
    }

    @Test
    void unserializableEventIsRejectedAloneAndItsNeighbourIsWritten() {
        ActorTestKit kit = start();
        TestProbe<Object> probe = kit.createTestProbe();
        org.apache.pekko.actor.ActorRef replyTo = Adapter.toClassic(probe.getRef());
        PersistentRepr bad = PersistentRepr.apply(new Object(), 1, "msg-5", "", false, replyTo, "w");
        PersistentRepr good = PersistentRepr.apply(7, 1, "msg-6", "", false, replyTo, "w");
        List<PersistentEnvelope> writes = List.of(AtomicWrite.apply(bad), AtomicWrite.apply(good));
        journal(kit).tell(new JournalProtocol.WriteMessages(CollectionConverters.asScala(writes).toSeq(), replyTo, 1),
                replyTo);

        assertEquals(JournalProtocol.WriteMessagesSuccessful$.MODULE$, probe.receiveMessage(Duration.ofSeconds(5)));
        assertTrue(probe.receiveMessage() instanceof JournalProtocol.WriteMessageRejected);
        assertTrue(probe.receiveMessage() instanceof JournalProtocol.WriteMessageSuccess);
        assertEquals(7, sum(kit, kit.spawn(Counter.create("msg-6"))));
    }

    @Test
    void writeToAClosedStoreFailsThePersistAndStopsTheActorWithoutReplying() throws Exception {
        ActorTestKit kit = start();
        ActorRef<Counter.Command> counter = kit.spawn(Counter.create("msg-7"));
        add(kit, counter, 1);
        JournalStores.get(Adapter.toClassic(kit.system())).open(dir.resolve("journal"), true).close();

        TestProbe<Done> probe = kit.createTestProbe();
        counter.tell(new Counter.Add(2, probe.getRef()));
        probe.expectTerminated(counter, Duration.ofSeconds(5));
        probe.expectNoMessage(Duration.ofMillis(100));
    }
}
