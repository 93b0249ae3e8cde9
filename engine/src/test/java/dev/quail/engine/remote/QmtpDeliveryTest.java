package dev.quail.engine.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.quail.config.Routes;
import dev.quail.engine.MemoryBodies;
import dev.quail.engine.delivery.MessageBody;
import dev.quail.engine.delivery.Outcome;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Outbound QMTP with the message streamed from the store between the netstring's head and tail (QMTP-02,
 * QMTP-03), against a peer that reads the package byte by byte: the message arrives as stored, a store that fails
 * it cuts the package short (the peer never sees a whole one), and a package not answered within
 * timeouttransaction is deferred.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QmtpDeliveryTest {
    @JUnit5TestKit
    private final ActorTestKit testKit = new JUnit5TestKitBuilder().build();
    private final MemoryBodies store = new MemoryBodies();

    /** One package read off one connection, answered K for each recipient unless {@code silent}. */
    private static CompletableFuture<byte[]> peer(ServerSocket server, boolean silent) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket s = server.accept()) {
                InputStream in = new BufferedInputStream(s.getInputStream());
                byte[] message = netstring(in);
                netstring(in);
                InputStream list = new ByteArrayInputStream(netstring(in));
                OutputStream out = s.getOutputStream();
                while (list.available() > 0) {
                    netstring(list);
                    if (!silent) out.write("5:Kok 1,".getBytes(StandardCharsets.ISO_8859_1));
                }
                out.flush();
                if (silent) Thread.sleep(3000); // the client half-closes after its package: EOF is no signal
                return message;
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        });
    }

    private static byte[] netstring(InputStream in) throws IOException {
        long length = 0;
        int c;
        while ((c = in.read()) != ':') {
            if (c < '0' || c > '9') throw new IOException("not a netstring length: " + c);
            length = length * 10 + c - '0';
        }
        byte[] content = in.readNBytes((int) length);
        if (content.length < length || in.read() != ',') throw new IOException("netstring cut short");
        return content;
    }

    private CompletableFuture<List<Outcome>> send(int port, MessageBody body, Duration transaction) {
        return QmtpDelivery.deliver(testKit.system(), store, new Routes.Relay("127.0.0.1", port),
                new QmtpDelivery.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), transaction),
                "a@sender.test", List.of("x@example.org", "y@example.org"), body, Stamp.NONE)
                .toCompletableFuture();
    }

    private static byte[] message(int size) {
        byte[] text = new byte[size];
        new Random(size).nextBytes(text);
        text[size - 1] = '\n';
        return text;
    }

    @Test
    void qmtp03_aMessageOfManyChunksGoesAsStoredAfterTheEncodingByte() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            CompletableFuture<byte[]> received = peer(server, false);
            byte[] text = message(1_000_000);
            List<Outcome> outcomes = send(server.getLocalPort(), store.put("msg-q1", text), Duration.ofSeconds(30))
                    .get(20, TimeUnit.SECONDS);
            assertEquals(new Outcome.Success("127.0.0.1 accepted message./Remote host said: ok 1"), outcomes.get(1));
            byte[] got = received.get(5, TimeUnit.SECONDS);
            assertEquals('\n', got[0]);
            assertArrayEquals(text, Arrays.copyOfRange(got, 1, got.length));
        }
        assertEquals(0, store.openStreams());
    }

    @Test
    void aMessageTheStoreCannotGiveCutsThePackageShort() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            CompletableFuture<byte[]> received = peer(server, false);
            MessageBody body = store.put("msg-q2", message(300_000));
            store.lose("msg-q2", 2);
            List<Outcome> outcomes = send(server.getLocalPort(), body, Duration.ofSeconds(30)).get(20, TimeUnit.SECONDS);
            assertEquals(List.of(new Outcome.Deferral("Unable to read message. (#4.3.0)"),
                    new Outcome.Deferral("Unable to read message. (#4.3.0)")), outcomes);
            assertEquals(null, received.get(5, TimeUnit.SECONDS), "the peer never got a whole package");
        }
    }

    @Test
    void aPackageNotAnsweredWithinTimeouttransactionIsDeferred() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            peer(server, true);
            List<Outcome> outcomes = send(server.getLocalPort(), store.put("msg-q3", message(1000)),
                    Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS);
            Outcome late = assertInstanceOf(Outcome.Deferral.class, outcomes.get(0));
            assertEquals("Connected to 127.0.0.1 but the package took more than 1 seconds. (#4.4.2)", late.report());
        }
    }
}
