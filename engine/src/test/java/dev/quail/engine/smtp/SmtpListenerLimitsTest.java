package dev.quail.engine.smtp;

import dev.quail.engine.auth.Logins;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.engine.MemoryBodies;
import dev.quail.engine.TestHomes;
import dev.quail.engine.auth.Passwords;
import dev.quail.engine.queue.Queue;
import dev.quail.engine.queue.Submitter;
import dev.quail.engine.tls.ServerTls;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An SMTP listener's connection limits and deadlines over real sockets, from several loopback addresses: one
 * connection over concurrencyperip hears 421 4.7.0 and is closed; a full listener closes its idlest connection
 * (421 4.7.0) for a newcomer, and refuses one when nobody is idle; a silent client hears 451 4.4.2 after
 * timeoutsmtpd, a dripping one 421 4.4.2.
 */
class SmtpListenerLimitsTest {
    private static ActorTestKit testKit;

    @BeforeAll
    static void start() {
        testKit = ActorTestKit.create();
    }

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    private int listen(Map<String, String> control) throws Exception {
        var controls = TestHomes.controls(control);
        TestProbe<Queue.Command> queue = testKit.createTestProbe();
        var services = new SmtpServer.Services(controls, new Submitter(queue.ref(), testKit.scheduler(),
                TestHomes.ids()), new MemoryBodies(),
                ServerTls.open(Files.createTempDirectory("quail-tls").resolve("servercert.pem"), "mx.test"),
                new Logins(new Passwords(controls.home().passwords()), controls));
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
            socket.setSoTimeout(15_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            out = socket.getOutputStream();
        }

        String line() throws IOException {
            return in.readLine();
        }

        Client send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return this;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
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
    void a_full_listener_closes_its_idlest_connection_for_a_newcomer_but_not_one_in_data() throws Exception {
        int port = listen(Map.of("concurrencyincoming", "2"));
        try (Client idle = new Client(port, "127.0.0.1"); Client busy = new Client(port, "127.0.0.2")) {
            assertTrue(idle.line().startsWith("220 "));
            assertTrue(busy.line().startsWith("220 "));
            busy.send("MAIL FROM:<a@b.test>\r\nRCPT TO:<postmaster@localhost>\r\nDATA\r\n");
            assertEquals("250 2.1.0 ok", busy.line());
            assertEquals("250 2.1.5 ok", busy.line());
            assertEquals("354 go ahead", busy.line());
            try (Client newcomer = new Client(port, "127.0.0.3")) {
                assertTrue(newcomer.line().startsWith("220 "), "served at once");
                assertEquals("421 4.7.0 too many connections, closing this idle one (#4.7.0)", idle.line());
                assertNull(idle.line());
                newcomer.send("MAIL FROM:<a@b.test>\r\nRCPT TO:<postmaster@localhost>\r\nDATA\r\n");
                newcomer.line();
                newcomer.line();
                assertEquals("354 go ahead", newcomer.line());
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
}
