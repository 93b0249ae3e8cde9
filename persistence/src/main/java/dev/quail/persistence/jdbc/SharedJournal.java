/*
 * SharedJournal: what a Quail node needs of the PostgreSQL database the cluster journals to, beside the Pekko
 * plugin that writes and replays the events (pekko-persistence-jdbc, configured by pekkoConfig): the schema, the
 * message bodies (bodies(), chunks in quail_body_chunk), listing a node's messages by persistence id prefix,
 * deleting finished messages, sweeping chunks nobody will claim, and the database's health.
 *
 * Blocking JDBC never runs on the caller's thread where a future is returned: writes go to one writer thread with
 * group commit (GroupCommit) on a small pool of its own (Connections). persistenceIds and sweepOrphanChunks block
 * and are meant for I/O threads.
 *
 * Deletion departs from the plugin's, as the LevelDB journal's does from Pekko's usual rule: the plugin keeps the
 * highest row of a persistence id (marked deleted) forever so that the id never reuses a sequence number. Quail
 * never reuses a persistence id (one per queued message), so forget() removes every row of the id: its events
 * (their tags go with them, event_tag cascades), its snapshots and its body's chunks, in one transaction.
 * Rows only marked deleted do not count as events here (persistenceIds, the sweep).
 *
 * Orphan chunks: on one node the LevelDB store sweeps them at start, when nothing can be writing. Here other nodes
 * write all the time, so a body counts as orphaned only once its newest chunk is older than the age given: a large
 * message arriving slowly keeps its early chunks for as long as its client keeps sending. That age must exceed the
 * longest time a front end may take between a body's last chunk and its Accepted event.
 */
package dev.quail.persistence.jdbc;

import com.typesafe.config.Config;
import dev.quail.persistence.body.BodyStore;
import dev.quail.persistence.journal.JournalStore;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public final class SharedJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SharedJournal.class);

    /** DISTINCT over the primary key's order: a range scan of it when persistence_id sorts bytewise. */
    static final String PERSISTENCE_IDS = "SELECT DISTINCT persistence_id FROM event_journal "
            + "WHERE persistence_id LIKE ? ESCAPE '\\' AND NOT deleted ORDER BY persistence_id";

    private static final String[] FORGET = {
        "DELETE FROM event_journal WHERE persistence_id = ?",
        "DELETE FROM snapshot WHERE persistence_id = ?",
        "DELETE FROM quail_body_chunk WHERE owner = ?",
    };

    private static final String SWEEP = """
            DELETE FROM quail_body_chunk WHERE owner IN (
              SELECT c.owner FROM quail_body_chunk c
              GROUP BY c.owner
              HAVING max(c.written) < now() - make_interval(secs => ?)
                 AND NOT EXISTS (SELECT 1 FROM event_journal e WHERE e.persistence_id = c.owner AND NOT e.deleted))
            RETURNING owner""";

    private final Connections connections;
    private final GroupCommit commit;
    private final ChunkTable bodies;

    private SharedJournal(Connections connections) {
        this.connections = connections;
        this.commit = new GroupCommit(connections);
        this.bodies = new ChunkTable(connections, commit);
    }

    /**
     * Connects to the database at {@code jdbcUrl} (jdbc:postgresql://HOST:PORT/DATABASE?user=U&password=P), creates
     * the tables that are missing and warns of server settings that defeat Quail (ServerChecks). An IOException
     * says why when the database cannot be reached or the schema not created.
     */
    public static SharedJournal open(String jdbcUrl) throws IOException {
        Connections connections = Connections.open(jdbcUrl);
        try {
            connections.transaction("creating the shared journal's tables in " + Connections.redacted(jdbcUrl),
                    Schema::create);
            connections.call("checking the settings of " + Connections.redacted(jdbcUrl), ServerChecks::warn);
            return new SharedJournal(connections);
        } catch (IOException | RuntimeException e) {
            connections.close();
            throw e;
        }
    }

    /**
     * The Pekko settings that make pekko-persistence-jdbc the journal, snapshot store and read journal (also under
     * quail.journal-query) on this database; use as {@code pekkoConfig(url).withFallback(rest)}. See PluginConfig.
     */
    public static Config pekkoConfig(String jdbcUrl) {
        return PluginConfig.pekkoConfig(jdbcUrl);
    }

    /** Message bodies in the database: also a ChunkStore; a chunk's future completes once it is committed. */
    public BodyStore bodies() {
        return bodies;
    }

    /** The persistence ids starting with {@code prefix} that hold at least one event, each once, in order. */
    public List<String> persistenceIds(String prefix) throws IOException {
        return connections.call("listing the persistence ids starting with " + prefix, connection -> {
            try (PreparedStatement select = Connections.prepare(connection, PERSISTENCE_IDS)) {
                select.setString(1, likePrefix(Objects.requireNonNull(prefix, "prefix")));
                List<String> ids = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getString(1));
                    }
                }
                return ids;
            }
        });
    }

    /** Deletes every event, tag, snapshot and body chunk of {@code pid}, in one transaction; see the header. */
    public CompletableFuture<Void> forget(String pid) {
        return Pids.submitFor(pid, () -> commit.submit(0, connection -> {
            for (String sql : FORGET) {
                try (PreparedStatement delete = Connections.prepare(connection, sql)) {
                    delete.setString(1, pid);
                    delete.executeUpdate();
                }
            }
        }));
    }

    /**
     * Deletes the chunks of every owner that holds no event and whose newest chunk was written more than
     * {@code olderThan} ago (see the header); how many owners it cleaned.
     */
    public int sweepOrphanChunks(Duration olderThan) throws IOException {
        if (olderThan.isNegative()) {
            throw new IllegalArgumentException("negative age: " + olderThan);
        }
        Set<String> owners = connections.transaction("sweeping orphan body chunks", connection -> {
            try (PreparedStatement sweep = Connections.prepare(connection, SWEEP)) {
                sweep.setDouble(1, olderThan.toMillis() / 1000.0);
                Set<String> swept = new HashSet<>();
                try (ResultSet rows = sweep.executeQuery()) {
                    while (rows.next()) {
                        swept.add(rows.getString(1));
                    }
                }
                return swept;
            }
        });
        if (!owners.isEmpty()) {
            LOG.info("shared journal: deleted the stored chunks of {} message(s) that were never accepted",
                    owners.size());
        }
        return owners.size();
    }

    /** Whether the database takes writes, by the last write or periodic check (GroupCommit). */
    public JournalStore.Health health() {
        return commit.health();
    }

    /** How many transactions of chunk writes and forgets have committed: for group-commit tests. */
    long batches() {
        return commit.batches();
    }

    /** Writes what was submitted (waiting a bounded time), then closes the pool; later writes fail. */
    @Override
    public void close() {
        commit.close();
        connections.close();
    }

    /** {@code prefix} as a LIKE pattern matching the strings that start with it. */
    static String likePrefix(String prefix) {
        return prefix.replaceAll("([\\\\%_])", "\\\\$1") + "%";
    }
}
