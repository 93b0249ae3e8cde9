package dev.quail.engine.qmtp;


import dev.quail.config.Routes;
import dev.quail.engine.MemoryBodies;
import dev.quail.engine.QueueLines;
import dev.quail.engine.TestHomes;
import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.queue.Queue;
import dev.quail.engine.queue.Submitter;
import dev.quail.engine.remote.QmtpDelivery;
import dev.quail.engine.remote.Stamp;
import dev.quail.engine.smtp.IncomingBody;
import dev.quail.protocols.qmtp.NetstringSession;
import dev.quail.protocols.qmtp.Netstrings;
import dev.quail.protocols.qmtp.QmqpSession;
import dev.quail.protocols.qmtp.QmtpPolicy;
import dev.quail.protocols.qmtp.QmtpSession;
import dev.quail.protocols.smtp.Deadlines;
import dev.quail.protocols.smtp.QueueResult;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The QMTP and QMQP edges and the QMTP client over real sockets: Quail's client delivers to Quail's server, whose
 * Submits reach a probe standing for the Queue; K goes out only once the Queue said Queued (QMTP-04), and the
 * client turns K/Z/D and dead connections into Outcomes.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QmtpEdgeTest {
    private static final byte[] BODY = "Subject: q\n\nhello\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final MemoryBodies STORE = new MemoryBodies();
    @JUnit5TestKit
    private final ActorTestKit testKit = new JUnit5TestKitBuilder().build();

    @TempDir
    Path dir;
    /** The server side's store, fresh for each test. */
    private MemoryBodies bodies;

    @BeforeEach
    void fresh() {
        bodies = new MemoryBodies();
    }

    /** A listener on a free loopback port serving each connection with a new session. */
    private int serve(Supplier<NetstringSession> sessions, TestProbe<Queue.Command> queue) throws Exception {
        var system = testKit.system();
        return Tcp.get(system).bind("127.0.0.1", 0, 100, List.of(), true, Optional.empty())
                .to(Sink.foreach(c -> c.handleWith(QmtpConnection.flow(sessions.get(), new IncomingBody(bodies,
                        new Submitter(queue.ref(), system.scheduler(), TestHomes.ids()::next), "qmtp test"), "qmtp test",
                        TestHomes.ticket()), system)))
                .run(system).toCompletableFuture().get().localAddress().getPort();
    }

    private static QmtpSession qmtp() {
        return new QmtpSession(new QmtpPolicy("mx.test", 0, r -> r.endsWith("@example.org"), 100, () -> false), "127.0.0.1",
                Deadlines.Timing.NONE, Clock.systemUTC());
    }

    private CompletionStage<List<Outcome>> send(int port, List<String> recipients) {
        return QmtpDelivery.deliver(testKit.system(), STORE, new Routes.Relay("127.0.0.1", port),
                new QmtpDelivery.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)),
                "a@sender.test", recipients, STORE.put("msg-q", BODY), Stamp.NONE);
    }

    @Test
    void qmtp04_k_only_after_the_queue_journaled_it_and_d_for_a_refused_recipient() throws Exception {
        TestProbe<Queue.Command> queue = testKit.createTestProbe();
        int port = serve(QmtpEdgeTest::qmtp, queue);
        CompletableFuture<List<Outcome>> outcomes =
                send(port, List.of("bob@example.org", "victim@elsewhere.test")).toCompletableFuture();
        Queue.Submit submit = queue.expectMessageClass(Queue.Submit.class);
        assertEquals("a@sender.test", submit.sender());
        assertEquals(List.of("bob@example.org"), submit.recipients());
        assertEquals("qmtp test", submit.origin());
        String stored = QueueLines.after(new String(submit.body().tail(), StandardCharsets.ISO_8859_1), submit.id(),
                "invoked from network");
        assertTrue(stored.startsWith("Received: from unknown ([127.0.0.1])\n  by mx.test with QMTP; "), stored);
        assertTrue(stored.endsWith(" -0000\nSubject: q\n\nhello\n"), stored);
        Thread.sleep(200);
        assertFalse(outcomes.isDone(), "nothing is answered before the queue has the message");
        submit.replyTo().tell(new QueueResult.Queued("77"));
        List<Outcome> result = outcomes.get(10, TimeUnit.SECONDS);
        Outcome.Success k = assertInstanceOf(Outcome.Success.class, result.get(0));
        assertTrue(k.report().startsWith("127.0.0.1 accepted message./Remote host said: ok "), k.report());
        assertTrue(k.report().endsWith(" qp 77"), k.report());
        assertEquals(new Outcome.Failure("127.0.0.1 does not like recipient./Remote host said: sorry, that domain "
                + "isn't in my list of allowed rcpthosts (#5.7.1)"), result.get(1));
    }

    @Test
    void qmtp04_a_queue_failure_is_z_and_becomes_a_deferral() throws Exception {
        TestProbe<Queue.Command> queue = testKit.createTestProbe();
        int port = serve(QmtpEdgeTest::qmtp, queue);
        CompletableFuture<List<Outcome>> outcomes = send(port, List.of("bob@example.org")).toCompletableFuture();
        queue.expectMessageClass(Queue.Submit.class).replyTo()
                .tell(new QueueResult.Temporary("4.3.0 qq write error (#4.3.0)"));
        assertEquals(List.of(new Outcome.Deferral(
                "127.0.0.1 does not like recipient./Remote host said: qq write error (#4.3.0)")),
                outcomes.get(10, TimeUnit.SECONDS));
    }

    @Test
    void nobody_listening_or_a_peer_that_hangs_up_defers_every_recipient() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        assertEquals(List.of(new Outcome.Deferral(QmtpDelivery.UNREACHABLE), new Outcome.Deferral(
                QmtpDelivery.UNREACHABLE)), send(closedPort, List.of("a@x.test", "b@x.test"))
                .toCompletableFuture().get(10, TimeUnit.SECONDS));
        try (ServerSocket s = new ServerSocket(0)) {
            CompletableFuture<List<Outcome>> outcomes = send(s.getLocalPort(), List.of("a@x.test"))
                    .toCompletableFuture();
            try (Socket peer = s.accept(); InputStream in = peer.getInputStream()) {
                in.readNBytes(10);
            }
            assertEquals(List.of(new Outcome.Deferral("Connected to 127.0.0.1 but connection died. (#4.4.2)")),
                    outcomes.get(10, TimeUnit.SECONDS));
        }
    }

    /** One QMTP package of a message in LF form. */
    private static byte[] qmtpPackage(byte[] message, String sender, String recipient) {
        String m = new String(message, StandardCharsets.ISO_8859_1);
        return (new String(Netstrings.encode("\n" + m), StandardCharsets.ISO_8859_1)
                + new String(Netstrings.encode(sender), StandardCharsets.ISO_8859_1)
                + new String(Netstrings.encode(new String(Netstrings.encode(recipient), StandardCharsets.ISO_8859_1)),
                StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String netstring(InputStream in) throws java.io.IOException {
        StringBuilder length = new StringBuilder();
        for (int c = in.read(); c != ':'; c = in.read()) length.append((char) c);
        String text = new String(in.readNBytes(Integer.parseInt(length.toString())), StandardCharsets.ISO_8859_1);
        assertEquals(',', in.read());
        return text;
    }

    @Test
    void a_large_package_is_queued_as_stored_chunks_and_a_refused_one_leaves_none() throws Exception {
        TestProbe<Queue.Command> queue = testKit.createTestProbe();
        int port = serve(QmtpEdgeTest::qmtp, queue);
        byte[] message = ("Subject: big\n\n" + "q".repeat(99) + "\n").repeat(5000).getBytes(StandardCharsets.ISO_8859_1);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(qmtpPackage(message, "a@sender.test", "victim@elsewhere.test"));
            InputStream in = s.getInputStream();
            assertEquals("Dsorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", netstring(in));
            for (int i = 0; i < 100 && bodies.stored() > 0; i++) Thread.sleep(50);
            assertEquals(0, bodies.stored(), "the refused package's chunks are deleted");

            s.getOutputStream().write(qmtpPackage(message, "a@sender.test", "bob@example.org"));
            Queue.Submit submit = queue.expectMessageClass(Queue.Submit.class);
            assertTrue(submit.body().chunks() >= 7, submit.body().toString());
            String stored = QueueLines.after(new String(bodies.read(Submitter.owner(submit.id()), submit.body()),
                    StandardCharsets.ISO_8859_1), submit.id(), "invoked from network");
            assertTrue(stored.startsWith("Received: from unknown ([127.0.0.1])\n"), stored.substring(0, 80));
            assertTrue(stored.endsWith(new String(message, StandardCharsets.ISO_8859_1)));
        }
    }

    @Test
    void qmqp01_one_answer_then_the_server_closes() throws Exception {
        TestProbe<Queue.Command> queue = testKit.createTestProbe();
        int port = serve(() -> new QmqpSession("mx.test", "127.0.0.1", Deadlines.Timing.NONE,
                Clock.systemUTC()), queue);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            byte[] request = Netstrings.encode(new String(Netstrings.encode("hello\n"), StandardCharsets.ISO_8859_1)
                    + new String(Netstrings.encode("a@client.x"), StandardCharsets.ISO_8859_1)
                    + new String(Netstrings.encode("x@anywhere.y"), StandardCharsets.ISO_8859_1));
            s.getOutputStream().write(request);
            Queue.Submit submit = queue.expectMessageClass(Queue.Submit.class);
            assertEquals(List.of("x@anywhere.y"), submit.recipients());
            submit.replyTo().tell(new QueueResult.Queued("5"));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.matches("[0-9]+:Kok [0-9]+ qp 5,"), answer);
        }
    }

}
