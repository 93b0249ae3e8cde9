/*
 * PluginConfig: the Pekko settings that put the journal, the snapshot store and the read journal on the shared
 * database through pekko-persistence-jdbc.
 *
 * All three use one Slick database ("quail" under pekko-persistence-jdbc.shared-databases), so a node holds
 * MAX_CONNECTIONS connections for them, not three pools of the plugin's default twenty. Slick runs its blocking
 * JDBC calls on numThreads threads of its own; numThreads equals maxConnections, as Slick wants to rule out
 * deadlocks. Waits are bounded as for SharedJournal's own pool (Connections).
 *
 * The read journal is also defined under quail.journal-query, the id the engine looks its queries up by: a copy of
 * the plugin's jdbc-read-journal section as its reference.conf has it (settings an application.conf gives
 * jdbc-read-journal do not reach the copy).
 *
 * The circuit breakers are kept out of the way as for the LevelDB journal (quail.journal in reference.conf): the
 * plugin's defaults would fail every write and recovery for 30 s after ten failures, refusing mail long after the
 * database came back; the pool's timeouts already fail a write quickly while it is away.
 */
package dev.quail.persistence.jdbc;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Map;

final class PluginConfig {
    static final String SHARED_DB = "quail";
    static final String READ_JOURNAL = "quail.journal-query";
    static final int MAX_CONNECTIONS = 10;

    private PluginConfig() {}

    static Config pekkoConfig(String jdbcUrl) {
        Connections.checkUrl(jdbcUrl);
        Map<String, Object> breaker = Map.of("max-failures", 1_000_000, "call-timeout", "60s", "reset-timeout", "1s");
        Config settings = ConfigFactory.parseMap(Map.of(
                "pekko.persistence.journal.plugin", "jdbc-journal",
                "pekko.persistence.snapshot-store.plugin", "jdbc-snapshot-store",
                "jdbc-journal.use-shared-db", SHARED_DB,
                "jdbc-journal.circuit-breaker", breaker,
                "jdbc-snapshot-store.use-shared-db", SHARED_DB,
                "jdbc-snapshot-store.circuit-breaker", breaker,
                "jdbc-read-journal.use-shared-db", SHARED_DB,
                "pekko-persistence-jdbc.shared-databases." + SHARED_DB, sharedDatabase(jdbcUrl)));
        return settings.withFallback(readJournal().atPath(READ_JOURNAL));
    }

    private static Map<String, Object> sharedDatabase(String jdbcUrl) {
        long connectMillis = Connections.CONNECT_SECONDS * 1000L;
        return Map.of(
                "profile", "slick.jdbc.PostgresProfile$",
                "db", Map.ofEntries(
                        Map.entry("connectionPool", "HikariCP"),
                        Map.entry("url", jdbcUrl),
                        Map.entry("driver", "org.postgresql.Driver"),
                        Map.entry("properties", Connections.driverProperties()),
                        Map.entry("numThreads", MAX_CONNECTIONS),
                        Map.entry("maxConnections", MAX_CONNECTIONS),
                        Map.entry("minConnections", 2),
                        Map.entry("queueSize", 10_000),
                        Map.entry("connectionTimeout", connectMillis),
                        Map.entry("validationTimeout", connectMillis / 2),
                        Map.entry("keepAliveConnection", false)));
    }

    /** The plugin's read journal, on the shared database. */
    private static Config readJournal() {
        return ConfigFactory.parseMap(Map.of("use-shared-db", SHARED_DB))
                .withFallback(ConfigFactory.defaultReference(PluginConfig.class.getClassLoader())
                        .getConfig("jdbc-read-journal"));
    }
}
