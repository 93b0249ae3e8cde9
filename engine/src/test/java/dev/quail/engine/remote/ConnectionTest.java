package dev.quail.engine.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.engine.TestHomes;
import dev.quail.engine.delivery.DeliveryResult;
import dev.quail.engine.MemoryBodies;
import dev.quail.engine.delivery.MessageBody;
import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.delivery.SpawnStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A Connection sending what the BodyStore holds: the message streamed chunk by chunk and encoded on the way
 * (REM-13), at the pace the socket takes it, cut short when the store fails it, refused when it is over the
 * server's SIZE, and every transaction bounded by timeouttransaction however the server stalls.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionTest {
    @JUnit5TestKit
    private final ActorTestKit testKit = new JUnit5TestKitBuilder().build();
    private final MemoryBodies store = new MemoryBodies();
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeAfter) c.close();
        closeAfter.clear();
    }

    private <T extends AutoCloseable> T closing(T c) {
        closeAfter.add(c);
        return c;
    }

    private ActorRef<RemoteSpawn.Command> spawn(String routes, Map<String, String> more) throws Exception {
        Map<String, String> files = new HashMap<>(more);
        files.put("smtproutes", routes);
        RemoteSpawn.Environment env = new RemoteSpawn.Environment(25, CurrentDns::standardResolver,
                System::currentTimeMillis, 3_840_000, Optional.of(Duration.ofSeconds(10)));
        return testKit.spawn(RemoteSpawn.create(TestHomes.controls(files), new SpawnStatus(), env, store));
    }

    private static RemoteSpawn.Deliver deliver(MessageBody body, String recipient, TestProbe<DeliveryResult> probe) {
        return new RemoteSpawn.Deliver(new RemoteJob(body.owner(), body,
                List.of(new RemoteJob.Target(0, "a@x.org", recipient)), probe.ref()));
    }

    /** Lines of random length, many of them starting with a dot, 8-bit octets among them. */
    private static byte[] message(int size, long seed) {
        Random random = new Random(seed);
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++) {
            int r = random.nextInt(100);
            body[i] = (byte) (r < 3 ? '\n' : r < 6 ? '.' : r < 7 ? 0xe9 : 'a' + r % 26);
        }
        body[size - 1] = '\n';
        return body;
    }

    private void awaitClosedStreams() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (store.openStreams() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(0, store.openStreams(), "every body stream is closed");
    }

    @Test
    void rem13_aMessageOfManyChunksArrivesAsStored() throws Exception {
        SmtpPeer peer = closing(SmtpPeer.start("127.0.84.1"));
        var spawn = spawn(":127.0.84.1:" + peer.port + "\n", Map.of());
        byte[] text = message(3_000_000, 1);
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        spawn.tell(deliver(store.put("msg-big", text), "b@y.test", probe));
        assertInstanceOf(Outcome.Success.class, probe.receiveMessage(Duration.ofSeconds(20)).outcome());
        assertEquals(new String(text, StandardCharsets.ISO_8859_1), peer.transactions.get(0).data());
        awaitClosedStreams();
    }

    @Test
    void aBodyTheStoreCannotGiveIsDeferredAndTheServerNeverGetsTheDot() throws Exception {
        SmtpPeer peer = closing(SmtpPeer.start("127.0.84.2"));
        var spawn = spawn(":127.0.84.2:" + peer.port + "\n", Map.of());
        MessageBody body = store.put("msg-damaged", message(400_000, 2));
        store.lose("msg-damaged", 3);
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        spawn.tell(deliver(body, "b@y.test", probe));
        assertEquals(new Outcome.Deferral("Unable to read message. (#4.3.0)"),
                probe.receiveMessage(Duration.ofSeconds(10)).outcome());
        awaitClosedStreams();
        Thread.sleep(200);
        assertEquals(List.of(), peer.transactions);
    }

    @Test
    void rfc1870_aMessageOverTheServersSizeIsNotOffered() throws Exception {
        SmtpPeer peer = closing(SmtpPeer.start("127.0.84.3"));
        peer.sizeLimit = 1000;
        var spawn = spawn(":127.0.84.3:" + peer.port + "\n", Map.of());
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        spawn.tell(deliver(store.put("msg-size", message(1001, 3)), "b@y.test", probe));
        assertEquals(new Outcome.Failure("message size 1001 exceeds size limit 1000 of server 127.0.84.3 (#5.3.4)"),
                probe.receiveMessage(Duration.ofSeconds(10)).outcome());
        assertEquals(List.of(), peer.transactions);
    }

    @Test
    void theSocketSetsThePaceOfReadingTheStore() throws Exception {
        StallingPeer peer = closing(StallingPeer.stopsReadingAtData("127.0.84.4", 5_000));
        var spawn = spawn(":127.0.84.4:" + peer.port + "\n", Map.of("timeouttransaction", "3\n"));
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        int size = 32 << 20;
        long before = store.bytesRead();
        spawn.tell(deliver(store.put("msg-paced", message(size, 4)), "b@y.test", probe));
        Thread.sleep(2000);
        long read = store.bytesRead() - before;
        // what the socket buffers hold, plus the watermark and a piece or two: far from the whole message
        assertTrue(read > 0 && read < 16 << 20, "read " + read + " of " + size + " bytes");
        Outcome cut = probe.receiveMessage(Duration.ofSeconds(10)).outcome();
        assertEquals(new Outcome.Deferral("Connected to 127.0.84.4 but the transaction took more than 3 seconds. "
                + "(#4.4.2)"), cut);
        assertTrue(peer.hungUp.await(10, TimeUnit.SECONDS), "the connection was dropped");
        awaitClosedStreams();
    }

    @Test
    void aTarpitIsCutAtTimeouttransactionAndDoesNotHoldUpAnotherDestination() throws Exception {
        StallingPeer tarpit = closing(StallingPeer.trickling("127.0.84.5", "220 tarpit ESMTP\r\n", 300));
        SmtpPeer fine = closing(SmtpPeer.start("127.0.84.6"));
        var spawn = spawn("slow.test:127.0.84.5:" + tarpit.port + "\nfast.test:127.0.84.6:" + fine.port + "\n",
                Map.of("timeouttransaction", "2\n"));
        TestProbe<DeliveryResult> slow = testKit.createTestProbe();
        TestProbe<DeliveryResult> fast = testKit.createTestProbe();
        long start = System.nanoTime();
        spawn.tell(deliver(store.put("msg-slow", message(100, 5)), "b@slow.test", slow));
        spawn.tell(deliver(store.put("msg-fast", message(100, 6)), "c@fast.test", fast));
        assertInstanceOf(Outcome.Success.class, fast.receiveMessage(Duration.ofSeconds(5)).outcome());
        assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(1500), "not behind the tarpit");
        assertEquals(new Outcome.Deferral("Connected to 127.0.84.5 but the transaction took more than 2 seconds. "
                + "(#4.4.2)"), slow.receiveMessage(Duration.ofSeconds(10)).outcome());
        long took = System.nanoTime() - start;
        assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(1900) && took < TimeUnit.SECONDS.toNanos(4),
                "cut after " + took / 1_000_000 + " ms");
        assertTrue(tarpit.hungUp.await(10, TimeUnit.SECONDS), "the tarpit's connection was dropped");
    }
}
