/*
 * SharedJournal on a real PostgreSQL server: the schema; bodies written chunk by chunk read back byte for byte, by
 * the node that wrote them and by another; chunk writes share commits; a node's messages are listed by a range
 * scan of the primary key; orphan chunks are swept only once old; bad input and an unreachable database are
 * clear errors, never a hang.
 */
package dev.quail.persistence.jdbc;

import static dev.quail.persistence.body.Bodies.randomBytes;
import static dev.quail.persistence.body.Bodies.read;
import static dev.quail.persistence.body.Bodies.store;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.quail.persistence.body.Body;
import dev.quail.persistence.body.BodyStore;
import dev.quail.persistence.body.ChunkStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

class SharedJournalTest {
    @RegisterExtension
    static final PostgresServer SERVER = new PostgresServer();

    private final List<SharedJournal> opened = new ArrayList<>();
    private String url;
    private Sql sql;

    @BeforeEach
    void database() throws Exception {
        url = SERVER.createDatabase();
        sql = new Sql(url);
    }

    @AfterEach
    void closeJournals() {
        opened.forEach(SharedJournal::close);
    }

    private SharedJournal open() throws IOException {
        SharedJournal journal = SharedJournal.open(url);
        opened.add(journal);
        return journal;
    }

    @Test
    void createsThePluginsTablesAndTheChunkTableAndOpensAgainOnThem() throws Exception {
        open().close();
        open();
        assertEquals(List.of("durable_state", "event_journal", "event_tag", "quail_body_chunk", "snapshot"),
                sql.column("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"));
        assertEquals(List.of("event_journal_ordering_idx", "state_global_offset_idx", "state_tag_idx"),
                sql.column("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' "
                        + "AND indexname NOT LIKE '%pkey' ORDER BY indexname"));
    }

    @Test
    void nodesStartingTogetherBothCreateTheSchemaWithoutError() throws Exception {
        List<CompletableFuture<SharedJournal>> starting = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            starting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return SharedJournal.open(url);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        for (CompletableFuture<SharedJournal> journal : starting) {
            opened.add(journal.get(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void bodyOfSeveralChunksAndATailReadsBackByteForByte() throws Exception {
        byte[] bytes = randomBytes(5 * BodyStore.CHUNK + 1000, 1);
        BodyStore bodies = open().bodies();
        Body body = store(bodies, "msg-1-a", bytes);
        assertEquals(5, body.chunks());
        assertEquals(1000, body.tail().length);
        assertEquals(5, sql.count("quail_body_chunk", "owner", "msg-1-a"));
        assertArrayEquals(bytes, read(bodies, "msg-1-a", body));
    }

    @Test
    void aBodyWrittenByOneNodeIsReadByAnother() throws Exception {
        byte[] bytes = randomBytes(3 * BodyStore.CHUNK + 7, 2);
        Body body = store(open().bodies(), "msg-1-b", bytes);
        assertArrayEquals(bytes, read(open().bodies(), "msg-1-b", body));
    }

    @Test
    void aMissingChunkIsAnErrorNeverAShortBody() throws Exception {
        BodyStore bodies = open().bodies();
        Body body = store(bodies, "msg-1-c", randomBytes(2 * BodyStore.CHUNK + 7, 3));
        ((ChunkStore) bodies).deleteChunks("msg-1-c", 1).get(10, TimeUnit.SECONDS);
        IOException missing = assertThrows(IOException.class, () -> read(bodies, "msg-1-c", body));
        assertEquals("chunk 0 of the body of msg-1-c is missing", missing.getMessage());
    }

    @Test
    void chunkWritesSubmittedTogetherShareCommits() throws Exception {
        SharedJournal journal = open();
        ChunkStore chunks = (ChunkStore) journal.bodies();
        long before = journal.batches();
        List<CompletableFuture<Void>> puts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            puts.add(chunks.putChunk("msg-2-" + i % 20, i / 20, randomBytes(BodyStore.CHUNK, i)));
        }
        CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertEquals(List.of("200"), sql.column("SELECT count(*) FROM quail_body_chunk"));
        long commits = journal.batches() - before;
        assertTrue(commits < 50, "200 chunk writes took " + commits + " commits");
    }

    @Test
    void persistenceIdsAreThoseWithEventsAndThePrefixEachOnceInOrder() throws Exception {
        SharedJournal journal = open();
        for (String pid : List.of("msg-7-b", "msg-7-a", "msg-70-x", "msg-8-a", "msg-7xa", "msg-7_-c")) {
            sql.event(pid, 1, false);
            sql.event(pid, 2, false);
        }
        sql.event("msg-7-deleted", 1, true);
        assertEquals(List.of("msg-7-a", "msg-7-b"), journal.persistenceIds("msg-7-"));
        assertEquals(List.of("msg-7_-c"), journal.persistenceIds("msg-7_"));
        assertEquals(List.of(), journal.persistenceIds("msg-9-"));
    }

    @Test
    void persistenceIdsScanARangeOfThePrimaryKey() throws Exception {
        open();
        sql.update("INSERT INTO event_journal (persistence_id, sequence_number, writer, event_ser_id, "
                + "event_ser_manifest, event_payload) SELECT 'msg-' || (n % 50) || '-' || n, 1, 'test', 1, '', "
                + "'\\x00' FROM generate_series(1, 50000) n");
        sql.update("ANALYZE event_journal");
        String plan = String.join("\n", sql.column("EXPLAIN " + SharedJournal.PERSISTENCE_IDS,
                SharedJournal.likePrefix("msg-7-")));
        assertTrue(plan.contains("Index Cond: (((persistence_id)::text >= 'msg-7-'::text) AND "
                + "((persistence_id)::text < 'msg-7.'::text))"), plan);
        assertFalse(plan.contains("Seq Scan"), plan);
    }

    @Test
    void warnsWhenPersistenceIdsDoNotSortBytewise() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(SharedJournal.class);
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        logger.addAppender(warnings);
        try {
            open();
            assertEquals(List.of(), warnings.list, "collation C");
            url = SERVER.createDatabase("TEMPLATE template0 LOCALE 'C' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'");
            open();
            assertEquals(1, warnings.list.size(), warnings.list.toString());
            assertTrue(warnings.list.get(0).getFormattedMessage().contains("collation ICU en-US, not C"),
                    warnings.list.get(0).getFormattedMessage());
        } finally {
            logger.detachAppender(warnings);
        }
    }

    @Test
    void sweepTakesOnlyBodiesWithoutEventsWhoseNewestChunkIsOld() throws Exception {
        SharedJournal journal = open();
        ChunkStore chunks = (ChunkStore) journal.bodies();
        for (String owner : List.of("msg-gone", "msg-marker", "msg-fresh", "msg-kept", "msg-slow")) {
            chunks.putChunk(owner, 0, new byte[] {1}).get(10, TimeUnit.SECONDS);
        }
        sql.update("UPDATE quail_body_chunk SET written = now() - interval '2 hours' WHERE owner <> 'msg-fresh'");
        chunks.putChunk("msg-slow", 1, new byte[] {2}).get(10, TimeUnit.SECONDS);
        sql.event("msg-kept", 1, false);
        sql.event("msg-marker", 1, true);

        assertEquals(2, journal.sweepOrphanChunks(Duration.ofHours(1)));
        assertEquals(List.of("msg-fresh", "msg-kept", "msg-slow"),
                sql.column("SELECT DISTINCT owner FROM quail_body_chunk ORDER BY owner"));
        assertEquals(0, journal.sweepOrphanChunks(Duration.ofHours(1)));
    }

    @Test
    void badPersistenceIdsFailTheirOwnWriteOnly() throws Exception {
        SharedJournal journal = open();
        ChunkStore chunks = (ChunkStore) journal.bodies();
        CompletableFuture<Void> nul = chunks.putChunk("msg-\0", 0, new byte[] {1});
        CompletableFuture<Void> empty = journal.forget("");
        CompletableFuture<Void> good = chunks.putChunk("msg-3-a", 0, new byte[] {1});
        good.get(10, TimeUnit.SECONDS);
        assertTrue(assertThrows(ExecutionException.class, nul::get).getCause() instanceof IllegalArgumentException);
        assertTrue(assertThrows(ExecutionException.class, empty::get).getCause() instanceof IllegalArgumentException);
        assertThrows(IllegalArgumentException.class, () -> journal.bodies().open("", Body.inline(new byte[0])));
    }

    @Test
    void anUnreachableDatabaseIsAClearErrorWithinSeconds() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String nowhere = "jdbc:postgresql://127.0.0.1:" + port + "/quail?user=quail&password=secret";
        IOException refused = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> assertThrows(IOException.class, () -> SharedJournal.open(nowhere)));
        assertTrue(refused.getMessage().startsWith("cannot connect to jdbc:postgresql://127.0.0.1:" + port
                + "/quail?user=quail&password=***: "), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SharedJournal.open("jdbc:mysql://127.0.0.1/quail"));
        assertThrows(IllegalArgumentException.class, () -> SharedJournal.pekkoConfig("postgres://127.0.0.1/q"));
    }

    @Test
    void writesAfterCloseFail() throws Exception {
        SharedJournal journal = SharedJournal.open(url);
        journal.close();
        CompletableFuture<Void> late = ((ChunkStore) journal.bodies()).putChunk("msg-4-a", 0, new byte[] {1});
        assertTrue(assertThrows(ExecutionException.class, late::get).getCause() instanceof IllegalStateException);
    }
}
