/*
 * ServerChecks: settings of the database server that quietly break a promise or a plan, warned about once when
 * the shared journal opens. Neither stops Quail: an administrator may know better, and a warning in the log is
 * where they look.
 *
 * - Collation: persistenceIds(prefix) finds the ids by a LIKE 'prefix%' range scan on event_journal's primary key,
 *   which PostgreSQL can do only when persistence_id sorts bytewise (collation C or POSIX). Under any other
 *   collation every listing (each start of every node) reads the whole table.
 * - Durability: with fsync or synchronous_commit off, a commit returns before its rows are on disk, so "250"
 *   would no longer mean that the message is.
 */
package dev.quail.persistence.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

final class ServerChecks {
    private static final Logger LOG = LoggerFactory.getLogger(SharedJournal.class);

    /*
     * The collation persistence_id sorts by: its own, or the database's default. A database may take its default
     * from ICU (datlocprovider 'i', PostgreSQL 15 on), whatever datcollate says; to_jsonb reads that column
     * without failing on older servers, which lack it.
     */
    private static final String COLLATION = """
            SELECT CASE WHEN c.collname <> 'default' THEN c.collname
                        WHEN to_jsonb(d) ->> 'datlocprovider' = 'i' THEN 'ICU ' || (to_jsonb(d) ->> 'daticulocale')
                        ELSE d.datcollate END
            FROM pg_attribute a
            JOIN pg_collation c ON c.oid = a.attcollation
            JOIN pg_database d ON d.datname = current_database()
            WHERE a.attrelid = 'public.event_journal'::regclass AND a.attname = 'persistence_id'""";

    private ServerChecks() {}

    static Void warn(Connection connection) throws SQLException {
        String collation = value(connection, COLLATION);
        if (!collation.equals("C") && !collation.equals("POSIX")) {
            LOG.warn("shared journal: event_journal.persistence_id sorts by collation {}, not C: listing the "
                    + "messages of a node reads the whole table instead of a range of its primary key (create the "
                    + "database with TEMPLATE template0 LC_COLLATE 'C', on PostgreSQL 15 and later also "
                    + "LOCALE_PROVIDER libc)", collation);
        }
        for (String setting : new String[] {"fsync", "synchronous_commit"}) {
            if (value(connection, "SELECT current_setting('" + setting + "')").equals("off")) {
                LOG.warn("shared journal: the database runs with {} off: accepted mail can be lost in a crash of "
                        + "the database server", setting);
            }
        }
        return null;
    }

    private static String value(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = Connections.prepare(connection, sql);
             ResultSet row = statement.executeQuery()) {
            if (!row.next()) {
                throw new SQLException("no row from " + sql);
            }
            return String.valueOf(row.getString(1));
        }
    }
}
