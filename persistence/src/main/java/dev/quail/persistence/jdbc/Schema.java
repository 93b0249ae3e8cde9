/*
 * Schema: the tables of the shared journal, created when missing: pekko-persistence-jdbc's own PostgreSQL schema,
 * read from the plugin's jar so that it is exactly the one of the plugin version on the class path, and Quail's
 * body chunk table.
 *
 * The plugin's script is written for a one-off run by hand: its indexes lack IF NOT EXISTS and two are built
 * CONCURRENTLY, which cannot run inside a transaction. Each CREATE INDEX is therefore made CREATE INDEX IF NOT
 * EXISTS (the tables are new when it matters, so building without CONCURRENTLY locks nothing of value), and the
 * whole runs in one transaction under an advisory lock: nodes starting together would otherwise race, and
 * CREATE TABLE IF NOT EXISTS is not safe against a concurrent CREATE of the same table in PostgreSQL.
 */
package dev.quail.persistence.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

final class Schema {
    /** Where pekko-persistence-jdbc keeps its PostgreSQL schema. */
    static final String PLUGIN_SCRIPT = "schema/postgres/postgres-create-schema.sql";

    static final String CHUNK_TABLE = """
            CREATE TABLE IF NOT EXISTS public.quail_body_chunk (
              owner TEXT NOT NULL,
              idx INTEGER NOT NULL,
              bytes BYTEA NOT NULL,
              written TIMESTAMPTZ NOT NULL DEFAULT now(),
              PRIMARY KEY (owner, idx)
            )""";

    /** Any number that no one else uses for pg_advisory_xact_lock on this database: "quail" in ASCII. */
    private static final long LOCK = 0x7175_6169_6cL;

    private static final Pattern CREATE_INDEX =
            Pattern.compile("^CREATE (UNIQUE )?INDEX (CONCURRENTLY )?(IF NOT EXISTS )?", Pattern.CASE_INSENSITIVE);

    private Schema() {}

    /** Creates what is missing; call inside a transaction. */
    static Void create(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(Connections.STATEMENT_SECONDS);
            statement.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
            for (String sql : pluginStatements()) {
                statement.execute(sql);
            }
            statement.execute(CHUNK_TABLE);
        }
        return null;
    }

    /** The plugin's script, one statement at a time, each index made IF NOT EXISTS (see the header). */
    static List<String> pluginStatements() {
        return Arrays.stream(pluginScript().split(";"))
                .map(String::strip)
                .filter(sql -> !sql.isEmpty())
                .map(sql -> CREATE_INDEX.matcher(sql).replaceFirst("CREATE $1INDEX IF NOT EXISTS "))
                .toList();
    }

    /** The plugin's script as it ships (the script holds no semicolon but those that end statements). */
    static String pluginScript() {
        try (InputStream in = Schema.class.getClassLoader().getResourceAsStream(PLUGIN_SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(PLUGIN_SCRIPT + " is not on the class path: is "
                        + "pekko-persistence-jdbc missing?");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PLUGIN_SCRIPT, e);
        }
    }
}
