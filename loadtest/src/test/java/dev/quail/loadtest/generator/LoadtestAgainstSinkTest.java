package dev.quail.loadtest.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.loadtest.HostPort;
import dev.quail.loadtest.Main;
import dev.quail.loadtest.Systems;
import dev.quail.loadtest.sink.RecipientRules;
import dev.quail.loadtest.sink.SinkCounters;
import dev.quail.loadtest.sink.SinkServer;
import dev.quail.loadtest.sink.SinkStat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole generator (command line, streams, report, exit status) against the sink on loopback. */
class LoadtestAgainstSinkTest {

    private static ActorSystem system;
    private static String sink;

    /** What one command run printed and returned. */
    private record Run(int exit, String out) {}

    @BeforeAll
    static void start() throws Exception {
        system = Systems.create("loadtest-test");
        RecipientRules rules = new RecipientRules(Optional.of("^fail"), Optional.empty());
        int port = SinkServer.bind(system, "127.0.0.1", 0, new SinkCounters(), rules, Duration.ZERO)
                .toCompletableFuture().get().localAddress().getPort();
        sink = "127.0.0.1:" + port;
    }

    @AfterAll
    static void stop() {
        Systems.stop(system, Duration.ofSeconds(5));
    }

    private static Run loadtest(String... args) {
        List<String> all = new ArrayList<>(List.of("loadtest"));
        all.addAll(List.of(args));
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.commandLine().execute(all.toArray(new String[0]));
            return new Run(exit, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
        }
    }

    private static long recipients() throws Exception {
        return SinkStat.query(HostPort.parse(sink)).recipients();
    }

    @Test
    void threeHundredMessagesAreAcceptedAndCountedByTheSink() throws Exception {
        long before = recipients();
        Run run = loadtest("--target", sink, "--messages", "300", "--concurrency", "4", "--size", "2048",
                "--to", "bench@sink.test", "--wait-sink", sink);
        assertEquals(0, run.exit(), run.out());
        assertTrue(run.out().contains("sent 300, accepted 300, rejected 0, failed 0"), run.out());
        assertTrue(run.out().matches("(?s).*accept rate: [0-9.]+ msg/s\n.*"), run.out());
        assertTrue(run.out().contains("delivered 300 of 300"), run.out());
        assertTrue(run.out().contains("end-to-end rate: "), run.out());
        assertEquals(300, recipients() - before);
    }

    @Test
    void jsonSummaryCarriesTheCounts() {
        Run run = loadtest("--target", sink, "--messages", "20", "--concurrency", "2", "--rcpts", "3",
                "--to", "r@sink.test", "--json", "--wait-sink", sink);
        assertEquals(0, run.exit(), run.out());
        String json = run.out().trim();
        assertTrue(json.startsWith("{") && json.endsWith("}") && !json.contains("\n"), json);
        for (String field : List.of("\"sent\":20", "\"accepted\":20", "\"rejected\":0", "\"recipients_accepted\":60",
                "\"end_to_end_delivered\":60", "\"end_to_end_complete\":true", "\"ok\":true")) {
            assertTrue(json.contains(field), field + " in " + json);
        }
    }

    @Test
    void connectionPerMessageOpensOneConnectionForEachMessage() throws Exception {
        SinkCounters.Counts before = SinkStat.query(HostPort.parse(sink));
        Run run = loadtest("--target", sink, "--messages", "30", "--concurrency", "4", "--connection-per-message",
                "--to", "r@sink.test", "--json");
        SinkCounters.Counts after = SinkStat.query(HostPort.parse(sink));
        assertEquals(0, run.exit(), run.out());
        for (String field : List.of("\"accepted\":30", "\"failed\":0", "\"connections\":30",
                "\"connection_mode\":\"per-message\"", "\"ok\":true")) {
            assertTrue(run.out().contains(field), field + " in " + run.out());
        }
        assertEquals(30, after.messages() - before.messages());
        assertEquals(30 + 1, after.connections() - before.connections(), "the second STAT is a connection too");
    }

    @Test
    void connectOnlyCountsHandshakesAndSendsNoMail() throws Exception {
        SinkCounters.Counts before = SinkStat.query(HostPort.parse(sink));
        Run run = loadtest("--target", sink, "--messages", "25", "--concurrency", "3", "--connect-only",
                "--to", "r@sink.test");
        SinkCounters.Counts after = SinkStat.query(HostPort.parse(sink));
        assertEquals(0, run.exit(), run.out());
        assertTrue(run.out().contains("25 connections (greeting, EHLO, QUIT), 3 sessions"), run.out());
        assertTrue(run.out().contains("sent 25, accepted 25, rejected 0, failed 0"), run.out());
        assertTrue(run.out().matches("(?s).*connection rate: [0-9.]+/s\n.*"), run.out());
        assertEquals(0, after.messages() - before.messages());
        assertEquals(25 + 1, after.connections() - before.connections(), "the second STAT is a connection too");
    }

    @Test
    void openLoopSendsTheMessagesAtTheRate() {
        Run run = loadtest("--target", sink, "--messages", "10", "--concurrency", "2", "--rate", "200",
                "--to", "r@sink.test");
        assertEquals(0, run.exit(), run.out());
        assertTrue(run.out().contains("open loop at 200 msg/s"), run.out());
        assertTrue(run.out().contains("accepted 10,"), run.out());
    }

    @Test
    void durationAloneBoundsTheRun() {
        Run run = loadtest("--target", sink, "--duration", "300ms", "--rate", "50", "--to", "r@sink.test");
        assertEquals(0, run.exit(), run.out());
        assertTrue(run.out().contains("accepted 15,"), run.out());
    }

    @Test
    void recipientsBeyondTheServerLimitGoInASecondTransaction() throws Exception {
        long before = recipients();
        int count = SinkServer.MAX_RECIPIENTS + 1;
        Run run = loadtest("--target", sink, "--messages", "1", "--rcpts", String.valueOf(count), "--size", "300",
                "--to", "r@sink.test");
        assertEquals(0, run.exit(), run.out());
        assertTrue(run.out().contains("accepted 1,"), run.out());
        assertEquals(count, recipients() - before);
    }

    @Test
    void refusedRecipientsMakeTheExitNonZero() {
        Run run = loadtest("--target", sink, "--messages", "5", "--to", "fail@sink.test");
        assertEquals(Main.TEMPORARY, run.exit(), run.out());
        assertTrue(run.out().contains("sent 5, accepted 0, rejected 5"), run.out());
        assertTrue(run.out().contains("first problem: 550 5.1.1 sink: recipient refused (--fail-rcpt)"), run.out());
    }

    @Test
    void deadTargetIsAFailureNotAHang() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run run = loadtest("--target", "127.0.0.1:" + port, "--messages", "5", "--concurrency", "2",
                "--to", "r@sink.test");
        assertEquals(Main.TEMPORARY, run.exit(), run.out());
        assertTrue(run.out().contains("sent 0, accepted 0"), run.out());
        assertTrue(run.out().contains("connection failures: 6"), "3 tries per session: " + run.out());
    }

    @Test
    void deliveriesThatNeverComeEndTheWaitWithAFailure() {
        Run run = loadtest("--target", sink, "--messages", "2", "--to", "r@sink.test", "--wait-sink", sink,
                "--expect", "1000000", "--wait-timeout", "1");
        assertEquals(Main.TEMPORARY, run.exit(), run.out());
        assertTrue(run.out().contains("delivery incomplete: no delivery for 1 s"), run.out());
    }

    @Test
    void messagesOrDurationIsRequiredAndConnectOnlyWaitsForNothing() {
        assertEquals(Main.USAGE, loadtest("--target", sink, "--to", "r@sink.test").exit());
        assertEquals(Main.USAGE, loadtest("--target", sink, "--to", "r@sink.test", "--messages", "0").exit());
        assertEquals(Main.USAGE, loadtest("--target", "nonsense", "--to", "r@sink.test", "--messages", "1").exit());
        assertEquals(Main.USAGE, loadtest("--target", sink, "--to", "r@sink.test", "--messages", "1", "--connect-only",
                "--wait-sink", sink).exit());
    }
}
