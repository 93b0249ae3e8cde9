/*
 * PostgresServer: a JUnit extension that runs a private PostgreSQL server for one test class: initdb into a temp
 * directory, listening on a free port of 127.0.0.1 only (its Unix socket in that directory too), fsync on; stopped
 * (immediately: nothing in it is worth a checkpoint) and deleted after the class. Each test asks for a fresh
 * database of its own.
 *
 * The binaries come from /usr/lib/postgresql/VERSION/bin (Debian's layout), the newest version there. PostgreSQL
 * refuses to run as root, so a JVM running as root runs initdb and pg_ctl as the postgres user (the package
 * creates it), with the directory given to that user. Without PostgreSQL the class fails, and says so: the tests
 * are meant to run everywhere src/test/install-peers has run.
 */
package dev.quail.persistence.jdbc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

final class PostgresServer implements BeforeAllCallback, AfterAllCallback {
    private static final Path INSTALLED = Path.of("/usr/lib/postgresql");
    private static final String SUPERUSER = "quail";
    private static final long COMMAND_SECONDS = 120;

    private final AtomicInteger databases = new AtomicInteger();
    private Path bin;
    private Path dir;
    private int port;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        bin = binaries();
        dir = Files.createTempDirectory("quail-pg");
        if (isRoot()) {
            UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName("postgres");
            Files.setOwner(dir, postgres);
        }
        port = freePort();
        run("initdb", "-D", data().toString(), "--no-locale", "-E", "UTF8", "-A", "trust", "-U", SUPERUSER);
        Files.writeString(data().resolve("postgresql.conf"), String.join("\n",
                "", "listen_addresses = '127.0.0.1'", "port = " + port, "unix_socket_directories = '" + dir + "'",
                "fsync = on", ""), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (dir == null) {
            return;
        }
        try {
            if (Files.exists(data().resolve("postmaster.pid"))) {
                stop();
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    /** Starts the server (again), waiting until it takes connections. */
    void start() throws IOException, InterruptedException {
        run("pg_ctl", "start", "-D", data().toString(), "-w", "-t", "60", "-l", dir.resolve("log").toString());
    }

    /** Stops the server at once, as a crash would. */
    void stop() throws IOException, InterruptedException {
        run("pg_ctl", "stop", "-D", data().toString(), "-m", "immediate", "-w", "-t", "60");
    }

    /** A new, empty database; its URL. */
    String createDatabase() throws SQLException {
        return createDatabase("");
    }

    /** A new, empty database made with CREATE DATABASE's {@code options}; its URL. */
    String createDatabase(String options) throws SQLException {
        String name = "test" + databases.incrementAndGet();
        try (Connection connection = DriverManager.getConnection(url("postgres"));
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name + " " + options);
        }
        return url(name);
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + SUPERUSER;
    }

    private Path data() {
        return dir.resolve("data");
    }

    private static Path binaries() throws IOException {
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(INSTALLED)) {
            try (Stream<Path> versions = Files.list(INSTALLED)) {
                versions.map(version -> version.resolve("bin"))
                        .filter(candidate -> Files.isExecutable(candidate.resolve("initdb")))
                        .forEach(found::add);
            }
        }
        return found.stream()
                .max(Comparator.comparing(candidate -> Runtime.Version.parse(
                        candidate.getParent().getFileName().toString())))
                .orElseThrow(() -> new IllegalStateException("PostgreSQL is not installed: no "
                        + INSTALLED + "/*/bin/initdb (apt-get install postgresql; src/test/install-peers does)"));
    }

    /** Runs a PostgreSQL program, as postgres when we are root; its output goes into the failure message. */
    private void run(String program, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (isRoot()) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(program).toString());
        command.addAll(List.of(args));
        Path output = Files.createTempFile("quail-pg", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(command + " did not finish within " + COMMAND_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IOException(command + " failed (" + process.exitValue() + "): "
                        + Files.readString(output) + serverLog());
            }
        } finally {
            Files.delete(output);
        }
    }

    private String serverLog() throws IOException {
        Path log = dir.resolve("log");
        return Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : "";
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
