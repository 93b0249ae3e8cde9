/*
 * Sql: what the tests ask of the database directly, past SharedJournal: counting and writing rows the way the
 * plugin or time would have.
 */
package dev.quail.persistence.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

final class Sql {
    private final String url;

    Sql(String url) {
        this.url = url;
    }

    /** Runs {@code sql} with {@code args}; how many rows it changed. */
    int update(String sql, Object... args) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
             PreparedStatement statement = prepared(connection, sql, args)) {
            return statement.executeUpdate();
        }
    }

    /** The first column of every row {@code sql} returns, as text. */
    List<String> column(String sql, Object... args) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
             PreparedStatement statement = prepared(connection, sql, args);
             ResultSet rows = statement.executeQuery()) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }

    long count(String table, String column, String pid) throws SQLException {
        return Long.parseLong(column("SELECT count(*) FROM " + table + " WHERE " + column + " = ?", pid).get(0));
    }

    /** An event row as the plugin writes one (the payload means nothing). */
    void event(String pid, long seqNr, boolean deleted) throws SQLException {
        update("INSERT INTO event_journal (persistence_id, sequence_number, deleted, writer, write_timestamp, "
                + "event_ser_id, event_ser_manifest, event_payload) VALUES (?, ?, ?, 'test', 0, 1, '', '\\x00')",
                pid, seqNr, deleted);
    }

    private static PreparedStatement prepared(Connection connection, String sql, Object... args)
            throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        statement.setQueryTimeout(30);
        for (int i = 0; i < args.length; i++) {
            statement.setObject(i + 1, args[i]);
        }
        return statement;
    }
}
