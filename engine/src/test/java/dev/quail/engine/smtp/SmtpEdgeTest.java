package dev.quail.engine.smtp;


import dev.quail.engine.lists.Lists;
import dev.quail.config.QuailHome;
import dev.quail.engine.Mailboxes;
import dev.quail.engine.MemoryBodies;
import dev.quail.engine.QueueLines;
import dev.quail.engine.TestHomes;
import dev.quail.engine.auth.Logins;
import dev.quail.engine.auth.Passwords;
import dev.quail.engine.queue.Queue;
import dev.quail.engine.queue.Submitter;
import dev.quail.engine.serial.SerialPickup;
import dev.quail.engine.tls.ServerTls;
import dev.quail.protocols.smtp.QueueResult;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An SMTP listener over real sockets, from several loopback addresses, with the queue a probe and the body store in
 * memory. Streaming: a message of many chunks reaches the queue as stored chunks plus a tail that read back
 * exactly; a refused message, a connection dropped mid-DATA and a failed chunk write each leave no chunk behind,
 * and a failed write is a 451 the client can retry. Limits: one connection over concurrencyperip hears 421 4.7.0
 * and is closed; a full listener closes its idlest connection (421 4.7.0) for a newcomer, and refuses one when
 * nobody is idle; a silent client hears 451 4.4.2 after timeoutsmtpd, a dripping one 421 4.4.2.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmtpEdgeTest {
    @JUnit5TestKit
    private final ActorTestKit testKit = new JUnit5TestKitBuilder().build();
    private MemoryBodies bodies;
    private TestProbe<Queue.Command> queue;

    /** The home of the last listener. */
    private Path home;

    @BeforeEach
    void fresh() {
        bodies = new MemoryBodies();
        queue = testKit.createTestProbe(Queue.Command.class);
    }

    /** A listener on a free loopback port with these control files (databytes 3 MiB unless given). */
    private int listen(Map<String, String> control) throws Exception {
        return listen(control, false);
    }

    /** As above; with {@code proxyProtocol} every client must come with a PROXY header (quail start --proxy-protocol). */
    private int listen(Map<String, String> control, boolean proxyProtocol) throws Exception {
        Map<String, String> files = new HashMap<>(Map.of("databytes", Long.toString(3 << 20)));
        files.putAll(control);
        var controls = TestHomes.controls(files);
        home = controls.home().root();
        Mailboxes.add(controls.home(), "postmaster@localhost");
        controls.reload();
        var services = new SmtpServer.Services(controls, new Submitter(queue.ref(), testKit.scheduler(),
                TestHomes.ids()::next), bodies,
                ServerTls.open(Files.createTempDirectory("quail-tls").resolve("servercert.pem"), "mx.test"),
                new Logins(new Passwords(controls.home().passwords()), controls), () -> false,
                new RecipientCheck(QuailHome.of(controls.home().root()).alias(), Lists.of(controls.home().root()),
                        System::currentTimeMillis),
                Executors.newCachedThreadPool(), proxyProtocol,
                new SerialPickup(controls, Executors.newCachedThreadPool(), java.time.Clock.systemUTC()));
        TestProbe<SmtpServer.Bound> bound = testKit.createTestProbe();
        testKit.spawn(SmtpServer.create("127.0.0.1", 0, services, bound.ref()));
        return Integer.parseInt(bound.receiveMessage().address().replaceFirst(".*:", ""));
    }

    private static final class Client implements AutoCloseable {
        final Socket socket = new Socket();
        final BufferedReader in;
        final OutputStream out;

        Client(int port, String from) throws IOException {
            socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            socket.setSoTimeout(20_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            out = socket.getOutputStream();
        }

        /** A client past the greeting. */
        static Client greeted(int port) throws IOException {
            Client c = new Client(port, "127.0.0.1");
            assertTrue(c.line().startsWith("220 "));
            return c;
        }

        String line() throws IOException {
            return in.readLine();
        }

        Client send(String text) throws IOException {
            return send(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        Client send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
            return this;
        }

        /** A balancer's connection from 127.0.0.1 that names {@code client} in a PROXY v1 header. */
        static Client proxied(int port, String client) throws IOException {
            return new Client(port, "127.0.0.1").send("PROXY TCP4 " + client + " 127.0.0.1 40000 25\r\n");
        }

        /** Closed without a word: end of stream, or a reset. */
        boolean closedUnanswered() {
            try {
                return in.read() < 0;
            } catch (IOException reset) {
                return true;
            }
        }

        String command(String line) throws IOException {
            return send(line + "\r\n").line();
        }

        void envelope() throws IOException {
            assertEquals("250 2.1.0 ok", command("MAIL FROM:<a@sender.test>"));
            assertEquals("250 2.1.5 ok", command("RCPT TO:<postmaster@localhost>"));
            assertEquals("354 go ahead", command("DATA"));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** {@code lines} lines of 100 octets, CRLF included. */
    private static byte[] body(int lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < lines; i++) {
            out.writeBytes(String.format("%08d%s\r\n", i, "x".repeat(90)).getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    private void awaitNoChunks() throws InterruptedException {
        for (int i = 0; i < 100 && bodies.stored() > 0; i++) Thread.sleep(50);
        assertEquals(0, bodies.stored(), "chunks left behind");
    }

    @Test
    void a_message_of_many_chunks_is_queued_as_stored_chunks_that_read_back_exactly() throws Exception {
        byte[] body = body(20_000); // 2,000,000 octets as sent, 1,980,000 stored
        try (Client c = Client.greeted(listen(Map.of()))) {
            c.envelope();
            c.send(body).send(".\r\n");
            Queue.Submit submit = queue.expectMessageClass(Queue.Submit.class);
            assertTrue(submit.body().chunks() >= 30, submit.body().toString());
            byte[] stored = bodies.read(Submitter.owner(submit.id()), submit.body());
            String text = QueueLines.after(new String(stored, StandardCharsets.ISO_8859_1), submit.id(),
                    "invoked from network");
            assertTrue(text.startsWith("Received: from unknown ([127.0.0.1])\n"), text.substring(0, 100));
            byte[] expected = new String(body, StandardCharsets.ISO_8859_1).replace("\r\n", "\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            assertArrayEquals(expected, Arrays.copyOfRange(stored, stored.length - expected.length, stored.length));
            assertEquals(stored.length, submit.body().size());
            submit.replyTo().tell(new QueueResult.Queued("1"));
            assertTrue(c.line().startsWith("250 2.0.0 ok "));
        }
    }

    @Test
    void a_message_over_databytes_is_refused_after_its_dot_and_leaves_no_chunk() throws Exception {
        try (Client c = Client.greeted(listen(Map.of()))) {
            c.envelope();
            assertEquals("552 5.3.4 sorry, that message size exceeds my databytes limit (#5.3.4)",
                    c.send(body(40_000)).command("."));
            awaitNoChunks();
            queue.expectNoMessage(Duration.ofMillis(100));
        }
    }

    @Test
    void a_connection_dropped_in_the_middle_of_data_leaves_no_chunk() throws Exception {
        try (Client c = Client.greeted(listen(Map.of()))) {
            c.envelope();
            c.send(body(10_000));
            for (int i = 0; i < 100 && bodies.stored() < 10; i++) Thread.sleep(20);
            assertTrue(bodies.stored() >= 10, "chunks are stored as the data arrives, got " + bodies.stored());
        }
        awaitNoChunks();
        queue.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void a_chunk_that_cannot_be_stored_is_a_451_and_the_next_message_goes_through() throws Exception {
        bodies.failAfter(3);
        try (Client c = Client.greeted(listen(Map.of()))) {
            c.envelope();
            assertEquals("451 4.3.0 qq write error or disk full (#4.3.0)", c.send(body(10_000)).command("."));
            awaitNoChunks();
            queue.expectNoMessage(Duration.ofMillis(100));
            bodies.failAfter(Integer.MAX_VALUE);
            c.envelope();
            c.send("Subject: small\r\n\r\nfits in the tail\r\n.\r\n");
            Queue.Submit submit = queue.expectMessageClass(Queue.Submit.class);
            assertEquals(0, submit.body().chunks());
            assertTrue(new String(submit.body().tail(), StandardCharsets.ISO_8859_1).endsWith("fits in the tail\n"));
        }
    }

    /**
     * SEC-06 at its edge: unknownrcpts unknown local recipients each hear 550 5.1.1; the client's next local RCPT,
     * even of a real mailbox and on a new connection, hears 421 and is closed; another address is not affected.
     * An extension needs its .qmail file, the alias mailbox takes what its .qmail-default takes.
     */
    @Test
    void sec06_unknown_local_recipients_hear_550_and_a_guessing_client_421() throws Exception {
        int port = listen(Map.of("unknownrcpts", "2", "virtualdomains", "virtual.test:virtual.test\n"));
        try (Client c = Client.greeted(port)) {
            assertEquals("250 2.1.0 ok", c.command("MAIL FROM:<a@sender.test>"));
            assertEquals("250 2.1.5 ok", c.command("RCPT TO:<Postmaster@localhost>"));
            assertEquals("550 5.1.1 sorry, no mailbox here by that name (#5.1.1)", c.command("RCPT TO:<nobody@localhost>"));
            assertEquals("550 5.1.1 sorry, no mailbox here by that name (#5.1.1)",
                    c.command("RCPT TO:<postmaster-ext@localhost>"));
            assertEquals("421 4.7.0 too many unknown recipients, closing connection (#4.7.0)",
                    c.command("RCPT TO:<postmaster@localhost>"));
            assertNull(c.line());
        }
        try (Client again = Client.greeted(port); Client other = new Client(port, "127.0.0.2")) {
            assertEquals("250 2.1.0 ok", again.command("MAIL FROM:<a@sender.test>"));
            assertEquals("421 4.7.0 too many unknown recipients, closing connection (#4.7.0)",
                    again.command("RCPT TO:<postmaster@localhost>"));
            assertTrue(other.line().startsWith("220 "));
            assertEquals("250 2.1.0 ok", other.command("MAIL FROM:<a@sender.test>"));
            assertEquals("550 5.1.1 sorry, no mailbox here by that name (#5.1.1)",
                    other.command("RCPT TO:<someone@virtual.test>"));
        }
    }

    @Test
    void sec06_the_alias_mailbox_and_dot_qmail_files_decide_and_checkrcpt_0_accepts_everyone() throws Exception {
        int port = listen(Map.of());
        Path alias = QuailHome.of(home).alias();
        try (Client c = Client.greeted(port)) {
            assertEquals("250 2.1.0 ok", c.command("MAIL FROM:<a@sender.test>"));
            assertEquals("550 5.1.1 sorry, no mailbox here by that name (#5.1.1)", c.command("RCPT TO:<abuse@localhost>"));
            Files.createDirectories(alias);
            Files.writeString(alias.resolve(".qmail-abuse"), "&postmaster@localhost\n");
            assertEquals("250 2.1.5 ok", c.command("RCPT TO:<abuse@localhost>"));
            assertEquals("550 5.1.1 sorry, no mailbox here by that name (#5.1.1)", c.command("RCPT TO:<other@localhost>"));
            Files.writeString(home.resolve("mailboxes/localhost/postmaster/.qmail-lists-default"), "./Maildir/\n");
            assertEquals("250 2.1.5 ok", c.command("RCPT TO:<postmaster-lists-any@localhost>"));
            assertEquals("550 5.1.1 sorry, no mailbox here by that name (#5.1.1)",
                    c.command("RCPT TO:<postmaster-list@localhost>"));
        }
        try (Client c = Client.greeted(listen(Map.of("checkrcpt", "0")))) {
            assertEquals("250 2.1.0 ok", c.command("MAIL FROM:<a@sender.test>"));
            assertEquals("250 2.1.5 ok", c.command("RCPT TO:<nobody@localhost>"));
        }
    }

    /**
     * QQ-01, QQ-04, ARCH-01: control/qmailqueue's program gets the message on fd 0 and the envelope on fd 1 instead
     * of the queue; its exit is the answer (0 250, 31 554, 71 451) and a hang past timeoutqmailqueue is 451 qq
     * timeout. The original is never queued and leaves no chunk.
     */
    @Test
    void qmailqueue_takes_qmail_queues_place_and_its_exit_is_the_answer() throws Exception {
        Path dir = Files.createTempDirectory("quail-qq");
        Path program = dir.resolve("scanner");
        Files.writeString(program, "#!/bin/sh\ncat > " + dir + "/msg; cat <&1 > " + dir + "/env\n"
                + "read code < " + dir + "/code; [ \"$code\" = hang ] && exec sleep 30; exit $code\n");
        program.toFile().setExecutable(true);
        int port = listen(Map.of("qmailqueue", program + "\n", "timeoutqmailqueue", "2"));
        try (Client c = Client.greeted(port)) {
            for (String[] exit : new String[][] {{"0", "250 2.0.0 ok "}, {"31", "554 5.3.0 mail server permanently "
                    + "rejected message (#5.3.0)"}, {"71", "451 4.3.0 mail server temporarily rejected message "
                    + "(#4.3.0)"}, {"hang", "451 4.3.0 qq timeout (#4.3.0)"}}) {
                Files.writeString(dir.resolve("code"), exit[0] + "\n");
                c.envelope();
                String reply = c.send(body(2000)).command(".");
                assertTrue(reply.startsWith(exit[1]), exit[0] + ": " + reply);
                String msg = Files.readString(dir.resolve("msg"), StandardCharsets.ISO_8859_1);
                assertTrue(msg.startsWith("Received: from unknown ([127.0.0.1])\n"), msg.substring(0, 80));
                assertEquals(2000 * 99 + msg.indexOf("00000000"), msg.length());
                assertEquals("Fa@sender.test\0Tpostmaster@localhost\0\0", Files.readString(dir.resolve("env")));
                awaitNoChunks();
            }
        }
        queue.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void one_more_than_concurrencyperip_hears_421_and_is_closed() throws Exception {
        int port = listen(Map.of("concurrencyperip", "2"));
        try (Client a = new Client(port, "127.0.0.1"); Client b = new Client(port, "127.0.0.1");
             Client c = new Client(port, "127.0.0.1"); Client other = new Client(port, "127.0.0.2")) {
            assertTrue(a.line().startsWith("220 "));
            assertTrue(b.line().startsWith("220 "));
            assertEquals("421 4.7.0 too many connections, try again later (#4.7.0)", c.line());
            assertNull(c.line());
            assertTrue(other.line().startsWith("220 "));
        }
    }

    @Test
    void smtp21_control_clients_sets_a_clients_connection_limit_and_a_denied_client_hears_554_and_is_closed()
            throws Exception {
        int port = listen(Map.of("concurrencyperip", "1", "clients",
                "127.0.0.2:allow,CONCURRENCYPERIP=\"2\"\n127.0.0.3:deny\n"));
        try (Client a = new Client(port, "127.0.0.2"); Client b = new Client(port, "127.0.0.2");
             Client c = new Client(port, "127.0.0.2"); Client d = new Client(port, "127.0.0.1");
             Client e = new Client(port, "127.0.0.1")) {
            assertTrue(a.line().startsWith("220 "));
            assertTrue(b.line().startsWith("220 "), "its rule lets it hold two");
            assertEquals("421 4.7.0 too many connections, try again later (#4.7.0)", c.line());
            assertTrue(d.line().startsWith("220 "));
            assertEquals("421 4.7.0 too many connections, try again later (#4.7.0)", e.line(), "the others hold one");
        }
        try (Client denied = new Client(port, "127.0.0.3")) {
            assertEquals("554 5.7.1 sorry, your address is not allowed to send mail here (#5.7.1)", denied.line());
            assertNull(denied.line());
        }
    }

    @Test
    void a_full_listener_closes_its_idlest_connection_for_a_newcomer_but_not_one_in_data() throws Exception {
        int port = listen(Map.of("concurrencyincoming", "2"));
        try (Client idle = new Client(port, "127.0.0.1"); Client busy = new Client(port, "127.0.0.2")) {
            assertTrue(idle.line().startsWith("220 "));
            assertTrue(busy.line().startsWith("220 "));
            busy.envelope();
            try (Client newcomer = new Client(port, "127.0.0.3")) {
                assertTrue(newcomer.line().startsWith("220 "), "served at once");
                assertEquals("421 4.7.0 too many connections, closing this idle one (#4.7.0)", idle.line());
                assertNull(idle.line());
                newcomer.envelope();
                try (Client refused = new Client(port, "127.0.0.4")) {
                    assertEquals("421 4.7.0 too many connections, try again later (#4.7.0)", refused.line());
                }
            }
        }
    }

    @Test
    void silent_and_dripping_clients_are_dropped_at_their_deadlines() throws Exception {
        int port = listen(Map.of("timeoutsmtpd", "2"));
        try (Client silent = new Client(port, "127.0.0.1"); Client drip = new Client(port, "127.0.0.2")) {
            assertTrue(silent.line().startsWith("220 "));
            assertTrue(drip.line().startsWith("220 "));
            long started = System.nanoTime();
            drip.send("N");
            Thread.sleep(1200);
            drip.send("O");
            assertEquals("451 4.4.2 timeout (#4.4.2)", silent.line());
            assertEquals("421 4.4.2 command line too slow, closing connection (#4.4.2)", drip.line());
            assertNull(drip.line());
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            assertTrue(seconds <= 4, "dropped after " + seconds + " s");
        }
    }

    @Test
    void behind_a_balancer_each_client_is_limited_relayed_and_named_as_its_proxy_header_says() throws Exception {
        int port = listen(Map.of("concurrencyperip", "1", "relayclients", "127.0.0.2\n", "rcpthosts", "localhost\n"),
                true);
        try (Client relay = Client.proxied(port, "127.0.0.2"); Client other = Client.proxied(port, "127.0.0.3")) {
            // Greeted before the second 127.0.0.2 connects: which of two racing connections wins is not the point.
            assertTrue(relay.line().startsWith("220 "));
            assertTrue(other.line().startsWith("220 "), "its own slot, though from the same balancer");
            try (Client again = Client.proxied(port, "127.0.0.2")) {
                assertEquals("421 4.7.0 too many connections, try again later (#4.7.0)", again.line());
            }
            assertEquals("250 2.1.0 ok", other.command("MAIL FROM:<a@sender.test>"));
            assertEquals("553 5.7.1 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)",
                    other.command("RCPT TO:<x@elsewhere.test>"));
            assertEquals("250 2.1.0 ok", relay.command("MAIL FROM:<a@sender.test>"));
            assertEquals("250 2.1.5 ok", relay.command("RCPT TO:<x@elsewhere.test>"));
            assertEquals("354 go ahead", relay.command("DATA"));
            relay.send("Subject: through the balancer\r\n\r\nhi\r\n.\r\n");
            Queue.Submit submit = queue.expectMessageClass(Queue.Submit.class);
            String text = new String(bodies.read(Submitter.owner(submit.id()), submit.body()),
                    StandardCharsets.ISO_8859_1);
            assertTrue(text.matches("(?s)Received: \\(quail \\S+ invoked from network\\); [^\n]*\n"
                    + "Received: from unknown \\(\\[127\\.0\\.0\\.2\\]\\)\n.*"), text);
            submit.replyTo().tell(new QueueResult.Queued("1"));
            assertTrue(relay.line().startsWith("250 2.0.0 ok "));
        }
    }

    @Test
    void behind_a_balancer_the_bytes_after_a_v2_header_are_the_clients_first() throws Exception {
        int port = listen(Map.of(), true);
        byte[] header = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11, 0, 12,
            127, 0, 0, 2, 127, 0, 0, 1, (byte) 0x9C, 0x40, 0, 25, 'Q', 'U', 'I', 'T', '\r', '\n'};
        try (Client c = new Client(port, "127.0.0.1").send(header)) {
            assertTrue(c.line().startsWith("220 "));
            assertTrue(c.line().startsWith("221 "));
            assertTrue(c.closedUnanswered());
        }
    }

    @Test
    void behind_a_balancer_a_stranger_a_bad_header_and_a_late_one_are_closed_unanswered() throws Exception {
        int port = listen(Map.of("timeoutstress", "1"), true);
        try (Client stranger = new Client(port, "127.0.0.3")) {
            assertTrue(stranger.closedUnanswered(), "127.0.0.3 is not in proxyclients");
        }
        try (Client direct = new Client(port, "127.0.0.1").send("EHLO x\r\n")) {
            assertTrue(direct.closedUnanswered());
        }
        try (Client tooLong = new Client(port, "127.0.0.1").send("PROXY UNKNOWN " + "x".repeat(200))) {
            assertTrue(tooLong.closedUnanswered());
        }
        long started = System.nanoTime();
        try (Client silent = new Client(port, "127.0.0.1").send("PROXY TCP4 127.0.0.2")) {
            assertTrue(silent.closedUnanswered());
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(millis >= 900 && millis < 5000, "closed after " + millis + " ms, timeoutstress is 1 s");
        }
        try (Client slow = new Client(port, "127.0.0.1").send("PROXY TCP4 127.0.0.2 ")) {
            Thread.sleep(400);
            slow.send("127.0.0.1 40000 25\r\n");
            assertTrue(slow.line().startsWith("220 "), "a header complete within timeoutstress is served");
        }
    }
}
