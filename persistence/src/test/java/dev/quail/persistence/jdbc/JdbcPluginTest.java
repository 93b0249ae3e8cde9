/*
 * pekko-persistence-jdbc with SharedJournal.pekkoConfig on a real PostgreSQL server: MessageEvents persisted by
 * one ActorSystem (through Quail's serializer) are recovered by a second on the same database; the read journal
 * answers under quail.journal-query as the engine asks for it; snapshots go to the same database; forget removes
 * every row the plugin and the body store wrote for a message, and only for that message.
 */
package dev.quail.persistence.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.quail.persistence.body.Body;
import dev.quail.persistence.body.ChunkStore;
import dev.quail.persistence.events.Channel;
import dev.quail.persistence.events.MessageEvent;
import dev.quail.persistence.events.Recipient;
import dev.quail.persistence.events.MessageEventSerializer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.SaveSnapshotSuccess;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotProtocol;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentPersistenceIdsQuery;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdbcPluginTest {
    @RegisterExtension
    static final PostgresServer SERVER = new PostgresServer();

    private static final MessageEvent ACCEPTED = new MessageEvent.Accepted("7-1", 1_700_000_000_000L,
            "alice@example.org", List.of(new Recipient("bob@example.net", Channel.REMOTE)),
            Body.inline("Subject: hi\n\nhello\n".getBytes()), "test");
    private static final MessageEvent DEFERRED = new MessageEvent.Deferred(0, "451 try later");

    private String url;
    private Sql sql;
    private SharedJournal journal;
    private ActorTestKit kit;

    @BeforeEach
    void database() throws Exception {
        url = SERVER.createDatabase();
        sql = new Sql(url);
        journal = SharedJournal.open(url);
    }

    @AfterEach
    void stop() {
        if (kit != null) {
            kit.shutdownTestKit();
        }
        journal.close();
    }

    /** A node's ActorSystem, configured as the engine does it. */
    private ActorTestKit start() {
        if (kit != null) {
            kit.shutdownTestKit();
        }
        kit = ActorTestKit.create(SharedJournal.pekkoConfig(url).withFallback(ConfigFactory.load()));
        return kit;
    }

    private static void persist(ActorTestKit kit, ActorRef<EventLog.Command> log, MessageEvent... events) {
        TestProbe<Done> done = kit.createTestProbe();
        for (MessageEvent event : events) {
            log.tell(new EventLog.Persist(event, done.getRef()));
            done.expectMessage(Duration.ofSeconds(20), Done.getInstance());
        }
    }

    private static List<MessageEvent> events(ActorTestKit kit, String pid) {
        TestProbe<List<MessageEvent>> probe = kit.createTestProbe();
        kit.spawn(EventLog.create(pid)).tell(new EventLog.Get(probe.getRef()));
        return probe.receiveMessage(Duration.ofSeconds(20));
    }

    private static List<String> currentIds(ActorTestKit kit) throws Exception {
        return PersistenceQuery.get(kit.system())
                .getReadJournalFor(CurrentPersistenceIdsQuery.class, "quail.journal-query")
                .currentPersistenceIds()
                .runWith(Sink.seq(), kit.system())
                .toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void eventsPersistedByOneSystemAreRecoveredByAnother() throws Exception {
        ActorTestKit first = start();
        persist(first, first.spawn(EventLog.create("msg-7-1")), ACCEPTED, DEFERRED);
        assertTrue(SerializationExtension.get(first.system()).findSerializerFor(ACCEPTED)
                instanceof MessageEventSerializer);

        ActorTestKit second = start();
        assertEquals(List.of(ACCEPTED, DEFERRED), events(second, "msg-7-1"));
        assertEquals(List.of("msg-7-1"), currentIds(second));
        assertEquals(List.of("msg-7-1"), journal.persistenceIds("msg-7-"));
        long connections = Long.parseLong(sql.column("SELECT count(*) FROM pg_stat_activity "
                + "WHERE datname = current_database() AND application_name = 'quail'").get(0));
        assertTrue(connections <= PluginConfig.MAX_CONNECTIONS + Connections.MAX_CONNECTIONS,
                connections + " connections: journal, snapshots and queries share one pool");
    }

    @Test
    void forgetRemovesEventsTagsSnapshotsAndChunksOfThatMessageOnly() throws Exception {
        ActorTestKit kit = start();
        for (String pid : List.of("msg-7-1", "msg-7-2")) {
            ((ChunkStore) journal.bodies()).putChunk(pid, 0, new byte[] {1}).get(10, TimeUnit.SECONDS);
            persist(kit, kit.spawn(EventLog.create(pid)), ACCEPTED, DEFERRED);
            saveSnapshot(kit, pid);
        }
        assertEquals(2, sql.count("event_journal", "persistence_id", "msg-7-1"));
        assertEquals(List.of("2"), sql.column("SELECT count(*) FROM event_tag t JOIN event_journal e "
                + "ON e.ordering = t.event_id WHERE e.persistence_id = 'msg-7-1'"));

        journal.forget("msg-7-1").get(10, TimeUnit.SECONDS);
        assertEquals(0, sql.count("event_journal", "persistence_id", "msg-7-1"));
        assertEquals(0, sql.count("snapshot", "persistence_id", "msg-7-1"));
        assertEquals(0, sql.count("quail_body_chunk", "owner", "msg-7-1"));
        assertEquals(List.of("2"), sql.column("SELECT count(*) FROM event_tag"), "the other message's tags");
        assertEquals(1, sql.count("snapshot", "persistence_id", "msg-7-2"));
        assertEquals(1, sql.count("quail_body_chunk", "owner", "msg-7-2"));
        assertEquals(List.of("msg-7-2"), journal.persistenceIds("msg-7-"));
        assertEquals(List.of(), events(start(), "msg-7-1"), "nothing of msg-7-1 to recover");
    }

    private static void saveSnapshot(ActorTestKit kit, String pid) {
        TestProbe<Object> probe = kit.createTestProbe();
        org.apache.pekko.actor.ActorRef replyTo = Adapter.toClassic(probe.getRef());
        SnapshotMetadata metadata = new SnapshotMetadata(pid, 2, System.currentTimeMillis());
        Persistence.get(Adapter.toClassic(kit.system())).snapshotStoreFor("", ConfigFactory.empty())
                .tell(new SnapshotProtocol.SaveSnapshot(metadata, "state of " + pid), replyTo);
        Object reply = probe.receiveMessage(Duration.ofSeconds(20));
        assertTrue(reply instanceof SaveSnapshotSuccess, "got " + reply);
    }
}
