package dev.quail.engine.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.engine.Controls;
import dev.quail.engine.Mailboxes;
import dev.quail.engine.TestHomes;
import dev.quail.engine.auth.Logins;
import dev.quail.engine.auth.Passwords;
import dev.quail.protocols.pop3.Pop3Session;
import dev.quail.protocols.smtp.Deadlines;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The POP3 edge over real sockets and a real Maildir: login against users/passwords and through a checkpassword
 * program, qmail-pop3d's Maildir semantics (POP-11, POP-15), RETR as LIST sized it, and refused logins that all
 * look alike.
 */
class Pop3ConnectionTest {
    private static final Duration DELAY = Duration.ofMillis(400);
    private static ActorTestKit testKit;
    private static ExecutorService io;
    /** users/passwords with bob@test.example:s3cret and ghost@test.example:pw, made once: bcrypt is slow. */
    private static byte[] passwords;
    private Controls controls;
    private Path maildir;
    private int port;

    @BeforeAll
    static void start() throws IOException {
        testKit = ActorTestKit.create();
        io = Executors.newCachedThreadPool();
        Path file = Files.createTempFile("quail-passwords", "");
        new Passwords(file).set("bob@test.example", "s3cret".toCharArray());
        new Passwords(file).set("ghost@test.example", "pw".toCharArray());
        passwords = Files.readAllBytes(file);
        Files.delete(file);
    }

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
        io.shutdownNow();
    }

    @BeforeEach
    void listen() throws Exception {
        controls = TestHomes.controls(Map.of());
        maildir = Mailboxes.add(controls.home(), "bob@test.example");
        controls.reload();
        Files.write(controls.home().passwords(), passwords);
        var system = testKit.system();
        Pop3Login login = new Pop3Login(controls,
                new Logins(new Passwords(controls.home().passwords()), controls), io);
        port = Tcp.get(system).bind("127.0.0.1", 0)
                .to(Sink.foreach(c -> c.handleWith(Pop3Connection.flow(new Pop3Session("<1.1@test.example>", false,
                        Deadlines.Timing.NONE, Clock.systemUTC()), login, InetAddress.getLoopbackAddress(), io, DELAY, () -> {
                            throw new IllegalStateException("no TLS on this listener");
                        }, false, TestHomes.ticket()), system)))
                .run(system).toCompletableFuture().get().localAddress().getPort();
    }

    /** A message in new/ with modification time {@code second}. */
    private void deliver(String name, String content, long second) throws IOException {
        Path file = maildir.resolve("new").resolve(name);
        Files.writeString(file, content, StandardCharsets.ISO_8859_1);
        Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(second)));
    }

    private Set<String> names(String sub) throws IOException {
        try (Stream<Path> s = Files.list(maildir.resolve(sub))) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    /** A POP3 client on a socket. */
    private final class Client implements AutoCloseable {
        final Socket socket = new Socket("127.0.0.1", port);
        final BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                StandardCharsets.ISO_8859_1));
        final OutputStream out = socket.getOutputStream();

        Client() throws IOException {
            socket.setSoTimeout(10_000);
            assertEquals("+OK <1.1@test.example>", in.readLine());
        }

        String send(String command) throws IOException {
            out.write((command + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return in.readLine();
        }

        /** The lines of a multi-line answer, up to the final dot, still dot-stuffed. */
        List<String> lines() throws IOException {
            List<String> lines = new ArrayList<>();
            for (String l = in.readLine(); !".".equals(l); l = in.readLine()) lines.add(l);
            return lines;
        }

        void login(String user, String password) throws IOException {
            assertEquals("+OK ", send("USER " + user));
            assertEquals("+OK ", send("PASS " + password));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void pop11_15_a_session_reads_deletes_and_moves_survivors_to_cur_and_late_mail_waits() throws Exception {
        deliver("100.first", "Subject: one\n\n.dot line\nend\n", 100);
        deliver("200.second", "Subject: two\n\nbody\n", 200);
        try (Client c = new Client()) {
            c.login("Bob@Test.Example", "s3cret");
            deliver("300.late", "Subject: late\n\nhello\n", 300);
            assertEquals("+OK 2 " + (32 + 22), c.send("STAT"));
            assertEquals("+OK ", c.send("LIST"));
            assertEquals(List.of("1 32", "2 22"), c.lines());
            assertEquals("+OK ", c.send("UIDL"));
            assertEquals(List.of("1 100.first", "2 200.second"), c.lines());
            assertEquals("+OK ", c.send("RETR 1"));
            assertEquals(List.of("Subject: one", "", "..dot line", "end"), c.lines());
            assertEquals("+OK ", c.send("TOP 2 0"));
            assertEquals(List.of("Subject: two", ""), c.lines());
            assertEquals("+OK ", c.send("DELE 1"));
            assertEquals("+OK ", c.send("QUIT"));
            assertNull(c.in.readLine(), "the server closes after QUIT");
        }
        assertEquals(Set.of("300.late"), names("new"));
        assertEquals(Set.of("200.second:2,"), names("cur"));
        try (Client c = new Client()) {
            c.login("bob@test.example", "s3cret");
            assertEquals("+OK ", c.send("UIDL"));
            assertEquals(List.of("1 200.second", "2 300.late"), c.lines(), "UIDLs are stable across sessions");
        }
    }

    @Test
    void a_message_of_many_pieces_is_sent_whole_by_retr_and_cut_by_top_with_its_size_announced() throws Exception {
        StringBuilder big = new StringBuilder("Subject: big\n\n");
        for (int i = 0; i < 20_000; i++) big.append(i % 7 == 0 ? "." : "").append("line ").append(i).append('\n');
        deliver("100.big", big.toString(), 100);
        try (Client c = new Client()) {
            c.login("bob@test.example", "s3cret");
            long lines = big.chars().filter(ch -> ch == '\n').count();
            assertEquals("+OK 1 " + (big.length() + lines), c.send("STAT"));
            assertEquals("+OK ", c.send("RETR 1"));
            List<String> sent = c.lines();
            assertEquals(lines, sent.size());
            assertEquals("..line 0", sent.get(2));
            assertEquals("..line 19999", sent.get(sent.size() - 1));
            assertEquals("+OK ", c.send("TOP 1 3"));
            assertEquals(List.of("Subject: big", "", "..line 0", "line 1", "line 2"), c.lines());
            assertEquals("+OK ", c.send("NOOP"));
        }
    }

    @Test
    void pop15_a_dropped_connection_removes_nothing() throws Exception {
        deliver("100.first", "Subject: one\n\nx\n", 100);
        try (Client c = new Client()) {
            c.login("bob@test.example", "s3cret");
            assertEquals("+OK ", c.send("DELE 1"));
        }
        Thread.sleep(200);
        assertEquals(Set.of("100.first"), names("new"));
        assertEquals(Set.of(), names("cur"));
    }

    @Test
    void a_message_gone_since_login_cannot_be_opened() throws Exception {
        deliver("100.first", "Subject: one\n\nx\n", 100);
        try (Client c = new Client()) {
            c.login("bob@test.example", "s3cret");
            Files.delete(maildir.resolve("new/100.first"));
            assertEquals("-ERR unable to open that message", c.send("RETR 1"));
            assertEquals("+OK ", c.send("NOOP"));
        }
    }

    /** The reply, the time it took, and whether the server then closed. */
    private record Refusal(String reply, long millis, boolean closed) {}

    private Refusal refusal(String user, String password) throws IOException {
        try (Client c = new Client()) {
            assertEquals("+OK ", c.send("USER " + user));
            long start = System.nanoTime();
            String reply = c.send("PASS " + password);
            long millis = (System.nanoTime() - start) / 1_000_000;
            return new Refusal(reply, millis, c.in.readLine() == null);
        }
    }

    @Test
    void pop03_wrong_password_and_unknown_user_get_the_same_delayed_refusal_and_the_connection_ends() throws Exception {
        for (Refusal r : List.of(refusal("bob@test.example", "wrong"), refusal("nobody@test.example", "s3cret"),
                refusal("bob@test.example", "S3CRET"))) {
            assertEquals("-ERR authorization failed", r.reply());
            assertTrue(r.millis() >= DELAY.toMillis(), "answered after " + r.millis() + " ms");
            assertTrue(r.closed());
        }
    }

    @Test
    void logins_are_throttled_per_address_counting_each_attempt_before_its_check() throws Exception {
        Files.writeString(controls.home().control("authfailures"), "2\n");
        controls.reload();
        assertEquals("-ERR authorization failed", refusal("bob@test.example", "wrong").reply());
        assertEquals("-ERR authorization failed", refusal("nobody@test.example", "wrong").reply());
        Refusal right = refusal("bob@test.example", "s3cret");
        assertEquals("-ERR too many failed logins, try again later", right.reply(), "not even checked");
        assertTrue(right.closed());
    }

    @Test
    void a_checkpassword_still_running_at_timeoutcheckpassword_is_killed() throws Exception {
        Files.writeString(controls.home().control("timeoutcheckpassword"), "1\n");
        checkpassword("sleep 60\n");
        try (Client c = new Client()) {
            assertEquals("+OK ", c.send("USER bob"));
            long start = System.nanoTime();
            assertEquals("-ERR aack, child crashed", c.send("PASS pw"));
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertTrue(seconds < 5, "answered after " + seconds + " s");
        }
    }

    @Test
    void pop10_a_valid_login_without_a_maildir_is_told_so() throws Exception {
        try (Client c = new Client()) {
            assertEquals("+OK ", c.send("USER ghost@test.example"));
            assertEquals("-ERR this user has no $HOME/Maildir", c.send("PASS pw"));
        }
    }

    @Test
    void apop_against_users_passwords_is_refused() throws Exception {
        try (Client c = new Client()) {
            assertEquals("-ERR authorization failed", c.send("APOP bob@test.example 0123456789abcdef"));
        }
    }

    /** A checkpassword in sh: accepts "pw" for anyone, with HOME = the home of bob's Maildir. */
    private void checkpassword(String body) throws IOException {
        Path script = controls.home().root().resolve("checkpw");
        Files.writeString(script, "#!/bin/sh\n"
                + "input=$(tr '\\0' '\\n' <&3)\n"
                + "user=$(printf '%s\\n' \"$input\" | sed -n 1p)\n"
                + "pass=$(printf '%s\\n' \"$input\" | sed -n 2p)\n"
                + "stamp=$(printf '%s\\n' \"$input\" | sed -n 3p)\n"
                + body);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(controls.home().control("checkpassword"), script + "\n");
        controls.reload();
    }

    @Test
    void ckpw01_a_checkpassword_program_decides_and_its_home_is_served() throws Exception {
        deliver("100.first", "Subject: one\n\nx\n", 100);
        checkpassword("[ \"$pass\" = pw ] || exit 1\n"
                + "[ \"$stamp\" = '<1.1@test.example>' ] || exit 2\n"
                + "HOME=" + maildir.getParent() + "; export HOME\nexec \"$@\"\n");
        try (Client c = new Client()) {
            c.login("anyone", "pw");
            assertEquals("+OK 1 19", c.send("STAT"));
        }
        assertEquals("-ERR authorization failed", refusal("anyone", "nope").reply());
    }

    @Test
    void ckpw01_apop_hands_the_digest_to_checkpassword() throws Exception {
        checkpassword("[ \"$user\" = bob ] && [ \"$pass\" = c4c9334bac560ecc979e58001b3e22fb ] || exit 1\n"
                + "HOME=" + maildir.getParent() + "; export HOME\nexec \"$@\"\n");
        try (Client c = new Client()) {
            assertEquals("+OK ", c.send("APOP bob c4c9334bac560ecc979e58001b3e22fb"));
        }
    }

    @Test
    void pop03_a_checkpassword_that_crashes_is_reported_as_such() throws Exception {
        checkpassword("kill -9 $$\n");
        try (Client c = new Client()) {
            assertEquals("+OK ", c.send("USER bob"));
            assertEquals("-ERR aack, child crashed", c.send("PASS pw"));
        }
        Files.writeString(controls.home().control("checkpassword"), "/nonexistent/checkpassword\n");
        try (Client c = new Client()) {
            assertEquals("+OK ", c.send("USER bob"));
            String reply = c.send("PASS pw");
            assertTrue(reply.equals("-ERR aack, child crashed") || reply.equals("-ERR authorization failed"), reply);
            assertFalse(reply.startsWith("+OK"));
        }
    }
}
