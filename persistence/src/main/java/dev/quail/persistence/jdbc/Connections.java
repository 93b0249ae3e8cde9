/*
 * Connections: SharedJournal's own small pool on the shared database (HikariCP), apart from the Pekko plugin's, so
 * that chunk reads and writes never queue behind the plugin's work or take its connections.
 *
 * Nothing waits forever: taking a connection from the pool and opening one are bounded by CONNECT_SECONDS, every
 * statement prepared here by STATEMENT_SECONDS (the driver cancels it on the server), and every socket read by
 * SOCKET_SECONDS, the backstop for a server that vanished without closing the connection (a network partition).
 * Settings given in the URL win over these driver properties (pgjdbc reads the URL last).
 */
package dev.quail.persistence.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;

final class Connections implements AutoCloseable {
    static final int CONNECT_SECONDS = 5;
    static final int STATEMENT_SECONDS = 30;
    static final int SOCKET_SECONDS = 60;
    /** The chunk writer holds one; the rest serve reads (body streams, listings, the sweep). */
    static final int MAX_CONNECTIONS = 5;

    /** Something done with a connection. */
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final HikariDataSource pool;

    private Connections(HikariDataSource pool) {
        this.pool = pool;
    }

    /** A pool on {@code jdbcUrl}; an IOException naming the database if no connection can be made now. */
    static Connections open(String jdbcUrl) throws IOException {
        checkUrl(jdbcUrl);
        HikariConfig config = new HikariConfig();
        config.setPoolName("quail-shared-journal");
        config.setJdbcUrl(jdbcUrl);
        driverProperties().forEach(config::addDataSourceProperty);
        config.setMaximumPoolSize(MAX_CONNECTIONS);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(CONNECT_SECONDS * 1000L);
        config.setValidationTimeout(CONNECT_SECONDS * 1000L / 2);
        config.setInitializationFailTimeout(CONNECT_SECONDS * 1000L);
        try {
            return new Connections(new HikariDataSource(config));
        } catch (RuntimeException e) {
            throw new IOException("cannot connect to " + redacted(jdbcUrl) + ": " + rootMessage(e), e);
        }
    }

    /** The pgjdbc properties every connection to the shared database gets, ours and the plugin's. */
    static Map<String, String> driverProperties() {
        return Map.of(
                "connectTimeout", String.valueOf(CONNECT_SECONDS),
                "loginTimeout", String.valueOf(CONNECT_SECONDS),
                "socketTimeout", String.valueOf(SOCKET_SECONDS),
                "tcpKeepAlive", "true",
                "ApplicationName", "quail");
    }

    /** Refuses what is not a PostgreSQL JDBC URL, before anything tries to connect with it. */
    static void checkUrl(String jdbcUrl) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("not a PostgreSQL JDBC URL (jdbc:postgresql://HOST:PORT/DATABASE?user=U"
                    + "&password=P): " + (jdbcUrl == null ? null : redacted(jdbcUrl)));
        }
    }

    /** The URL fit for a log line: without its password. */
    static String redacted(String jdbcUrl) {
        return jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    /** Runs {@code work} on a pooled connection in autocommit; {@code what} names it in the IOException. */
    <T> T call(String what, Work<T> work) throws IOException {
        try (Connection connection = pool.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new IOException(what + " failed: " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} in one transaction, committed before this returns; rolled back if it throws. */
    <T> T transaction(String what, Work<T> work) throws IOException {
        return call(what, connection -> {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        });
    }

    /** A statement that the driver cancels after STATEMENT_SECONDS. */
    static PreparedStatement prepare(Connection connection, String sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        statement.setQueryTimeout(STATEMENT_SECONDS);
        return statement;
    }

    @Override
    public void close() {
        pool.close();
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            // The connection is broken; the pool discards it, and the server rolls back what it had.
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
