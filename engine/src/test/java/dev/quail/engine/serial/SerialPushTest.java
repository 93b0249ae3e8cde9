package dev.quail.engine.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.config.Control;
import dev.quail.engine.Home;
import dev.quail.persistence.maildir.Maildir;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The push of a serialhosts domain's kept mail over real TCP to a small SMTP peer that accepts, refuses (550) or
 * defers (451) by recipient: what the host took leaves, what it refused is bounced through the maildrop, the rest
 * stays; nothing leaves when the host cannot be reached or another push holds the domain.
 */
class SerialPushTest {
    @TempDir
    Path root;

    private Home home;
    private Path kept;
    private ServerSocket peer;
    private final List<String> commands = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        home = new Home(root);
        home.ensureDirectories();
        Files.writeString(home.control("me"), "hub.example\n");
        Files.createDirectories(root.resolve("serialmail"));
        kept = root.resolve("serialmail/dialup.example");
        Maildir.make(kept);
        keep("1000.a", "a@x.example", "ok@dialup.example");
        keep("1001.b", "b@x.example", "refused@dialup.example");
        keep("1002.c", "c@x.example", "later@dialup.example");
        peer = new ServerSocket(0);
        Thread t = new Thread(this::serve);
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void tearDown() throws IOException {
        peer.close();
    }

    private void keep(String name, String sender, String recipient) throws IOException {
        Files.writeString(kept.resolve("new").resolve(name), "Return-Path: <" + sender + ">\nDelivered-To: "
                + recipient + "\nSubject: " + name + "\n\n.dot-stuffed\n");
    }

    private void serve() {
        try (Socket s = peer.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            reply(out, "220 dialup.example ESMTP");
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                commands.add(line);
                if (line.startsWith("EHLO")) reply(out, "250 dialup.example");
                else if (line.startsWith("RCPT TO:<refused@")) reply(out, "550 5.1.1 no such user");
                else if (line.startsWith("RCPT TO:<later@")) reply(out, "451 4.3.0 disk full");
                else if (line.equals("DATA")) {
                    reply(out, "354 go ahead");
                    for (String body = in.readLine(); !body.equals("."); body = in.readLine()) commands.add(body);
                    reply(out, "250 2.0.0 taken");
                } else if (line.equals("QUIT")) {
                    reply(out, "221 bye");
                    return;
                } else reply(out, "250 ok");
            }
        } catch (IOException closed) {
            // the test is over
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private SerialPush push() throws IOException {
        return new SerialPush(home, Control.load(root), Clock.systemUTC());
    }

    private SerialPush.Destination smtp(int port) {
        return new SerialPush.Destination("127.0.0.1", port, SerialPush.Protocol.SMTP);
    }

    private List<String> left() throws IOException {
        try (Stream<Path> files = Files.list(kept.resolve("new"))) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void takenMessagesLeaveRefusedOnesAreBouncedAndDeferredOnesStay() throws Exception {
        SerialPush.Result r = push().push("dialup.example", smtp(peer.getLocalPort()));
        assertEquals(List.of(1, 1, 1), List.of(r.sent(), r.bounced(), r.kept()));
        assertEquals(List.of("1002.c"), left());
        assertTrue(commands.contains("MAIL FROM:<a@x.example>"), commands.toString());
        assertTrue(commands.contains("..dot-stuffed"), "the body is dot-stuffed and its envelope lines are gone");
        assertTrue(commands.stream().noneMatch(c -> c.startsWith("Delivered-To:")), commands.toString());
        try (Stream<Path> drops = Files.list(home.maildrop().resolve("new"))) {
            String bounce = Files.readString(drops.filter(Files::isRegularFile).findFirst().orElseThrow(),
                    StandardCharsets.ISO_8859_1);
            assertTrue(bounce.contains("b@x.example") && bounce.contains("<refused@dialup.example>:")
                    && bounce.contains("no such user"), bounce);
        }
        assertTrue(r.lines().get(2).contains("kept: ") && r.lines().get(2).contains("disk full"), r.lines().toString());
    }

    @Test
    void anUnreachableHostOrAPushAlreadyRunningRemovesNothing() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        assertThrows(IOException.class, () -> push().push("dialup.example", smtp(closedPort)));
        try (FileChannel c = FileChannel.open(kept.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = c.lock()) {
            assertThrows(SerialPush.Busy.class, () -> push().push("dialup.example", smtp(peer.getLocalPort())));
        }
        assertEquals(List.of("1000.a", "1001.b", "1002.c"), left());
    }
}
