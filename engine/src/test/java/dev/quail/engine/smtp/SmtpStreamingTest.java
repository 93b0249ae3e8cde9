package dev.quail.engine.smtp;

import java.util.Map;
import dev.quail.engine.auth.Passwords;
import dev.quail.engine.auth.Logins;
import dev.quail.protocols.smtp.Deadlines;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.engine.MemoryBodies;
import dev.quail.engine.TestHomes;
import dev.quail.engine.queue.Queue;
import dev.quail.engine.queue.Submitter;
import dev.quail.protocols.smtp.QueueResult;
import dev.quail.protocols.smtp.SmtpClient;
import dev.quail.protocols.smtp.SmtpPolicy;
import dev.quail.protocols.smtp.SmtpSecurity;
import dev.quail.protocols.smtp.SmtpSession;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SMTP edge streaming DATA into a body store over a real socket: a message of many chunks reaches the queue as
 * stored chunks plus a tail that read back exactly; a refused message, a connection dropped mid-DATA and a failed
 * chunk write each leave no chunk behind, and a failed write is a 451 the client can retry.
 */
class SmtpStreamingTest {
    private static final long DATABYTES = 3 << 20;
    private static ActorTestKit testKit;

    private final MemoryBodies bodies = new MemoryBodies();
    private final TestProbe<Queue.Command> queue = testKit.createTestProbe(Queue.Command.class);

    @BeforeAll
    static void start() {
        testKit = ActorTestKit.create();
    }

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    private int listen() throws IOException {
        SmtpPolicy policy = new SmtpPolicy("mx.quail.test", "mx.quail.test", DATABYTES, 100, 100, r -> true,
                s -> false);
        Submitter submitter = new Submitter(queue.ref(), testKit.scheduler(), TestHomes.ids());
        var system = testKit.system();
        var controls = TestHomes.controls(Map.of());
        SmtpAuthenticator noAuth = new SmtpAuthenticator(new Logins(new Passwords(controls.home().passwords()),
                controls));
        return Tcp.get(system).bind("127.0.0.1", 0).to(Sink.foreach(connection -> {
            SmtpSession session = new SmtpSession(policy, SmtpSecurity.NONE,
                    new SmtpClient("127.0.0.1", 1, "127.0.0.1"), Deadlines.Timing.NONE, Clock.systemUTC());
            connection.handleWith(SmtpConnection.flow(session, new IncomingBody(bodies, submitter, "smtp test"),
                    "smtp test", connection.remoteAddress().getAddress(), noAuth, () -> null, false,
                    TestHomes.ticket()), system);
        })).run(system).toCompletableFuture().join().localAddress().getPort();
    }

    /** {@code lines} lines of 100 octets, CRLF included. */
    private static byte[] body(int lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < lines; i++) {
            out.writeBytes(String.format("%08d%s\r\n", i, "x".repeat(90)).getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    private static final class Client implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Client(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(20_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            out = socket.getOutputStream();
            assertTrue(in.readLine().startsWith("220 "));
        }

        String command(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return in.readLine();
        }

        void envelope() throws IOException {
            assertEquals("250 2.1.0 ok", command("MAIL FROM:<a@sender.test>"));
            assertEquals("250 2.1.5 ok", command("RCPT TO:<b@rcpt.test>"));
            assertEquals("354 go ahead", command("DATA"));
        }

        String data(byte[] body) throws IOException {
            out.write(body);
            return command(".");
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private void awaitNoChunks() throws InterruptedException {
        for (int i = 0; i < 100 && bodies.stored() > 0; i++) Thread.sleep(50);
        assertEquals(0, bodies.stored(), "chunks left behind");
    }

    @Test
    void a_message_of_many_chunks_is_queued_as_stored_chunks_that_read_back_exactly() throws Exception {
        byte[] body = body(20_000); // 2,000,000 octets as sent, 1,980,000 stored
        try (Client c = new Client(listen())) {
            c.envelope();
            c.out.write(body);
            c.out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            c.out.flush();
            Queue.Submit submit = queue.expectMessageClass(Queue.Submit.class);
            assertTrue(submit.body().chunks() >= 30, submit.body().toString());
            byte[] stored = bodies.read(Submitter.owner(submit.id()), submit.body());
            String text = new String(stored, StandardCharsets.ISO_8859_1);
            assertTrue(text.startsWith("Received: from unknown ([127.0.0.1])\n"), text.substring(0, 100));
            byte[] expected = new String(body, StandardCharsets.ISO_8859_1).replace("\r\n", "\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            byte[] after = Arrays.copyOfRange(stored, stored.length - expected.length, stored.length);
            assertArrayEquals(expected, after);
            assertEquals(stored.length, submit.body().size());
            submit.replyTo().tell(new QueueResult.Queued("1"));
            assertTrue(c.in.readLine().startsWith("250 2.0.0 ok "));
        }
    }

    @Test
    void a_message_over_databytes_is_refused_after_its_dot_and_leaves_no_chunk() throws Exception {
        try (Client c = new Client(listen())) {
            c.envelope();
            assertEquals("552 5.3.4 sorry, that message size exceeds my databytes limit (#5.3.4)",
                    c.data(body(40_000)));
            awaitNoChunks();
            queue.expectNoMessage(Duration.ofMillis(100));
        }
    }

    @Test
    void a_connection_dropped_in_the_middle_of_data_leaves_no_chunk() throws Exception {
        try (Client c = new Client(listen())) {
            c.envelope();
            c.out.write(body(10_000));
            c.out.flush();
            for (int i = 0; i < 100 && bodies.stored() < 10; i++) Thread.sleep(20);
            assertTrue(bodies.stored() >= 10, "chunks are stored as the data arrives, got " + bodies.stored());
        }
        awaitNoChunks();
        queue.expectNoMessage(Duration.ofMillis(100));
    }

    @Test
    void a_chunk_that_cannot_be_stored_is_a_451_and_the_next_message_goes_through() throws Exception {
        bodies.failAfter(3);
        try (Client c = new Client(listen())) {
            c.envelope();
            assertEquals("451 4.3.0 qq write error or disk full (#4.3.0)", c.data(body(10_000)));
            awaitNoChunks();
            queue.expectNoMessage(Duration.ofMillis(100));
            bodies.failAfter(Integer.MAX_VALUE);
            c.envelope();
            c.out.write("Subject: small\r\n\r\nfits in the tail\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            c.out.flush();
            Queue.Submit submit = queue.expectMessageClass(Queue.Submit.class);
            assertEquals(0, submit.body().chunks());
            assertTrue(new String(submit.body().tail(), StandardCharsets.ISO_8859_1).endsWith("fits in the tail\n"));
        }
    }
}
