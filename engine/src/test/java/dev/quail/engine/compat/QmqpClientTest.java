package dev.quail.engine.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** qmail-qmqpc (QMQP-00, QMQP-01): the request's framing, and which answer or failure gives which exit code. */
class QmqpClientTest {
    private static final QqEnvelope ENVELOPE = new QqEnvelope("joe@x.org", List.of("a@y.org", "b@y.org"));

    @TempDir
    Path dir;

    /** A one-connection QMQP server that reads the whole request (up to its final comma) and answers. */
    private static final class OneShot implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0);
        final CompletableFuture<String> request;

        OneShot(String answer) throws IOException {
            request = CompletableFuture.supplyAsync(() -> {
                try (Socket s = socket.accept()) {
                    InputStream in = s.getInputStream();
                    ByteArrayOutputStream got = new ByteArrayOutputStream();
                    int length = 0;
                    for (int c = in.read(); c != ':'; c = in.read()) {
                        got.write(c);
                        length = length * 10 + c - '0';
                    }
                    got.write(':');
                    got.write(in.readNBytes(length + 1));
                    s.getOutputStream().write(answer.getBytes(StandardCharsets.ISO_8859_1));
                    return got.toString(StandardCharsets.ISO_8859_1);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
        }

        QmqpClient.Server server() {
            return new QmqpClient.Server("127.0.0.1", socket.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private Path message() throws IOException {
        return Files.writeString(dir.resolve("msg"), "Subject: hi\n\nbody\n");
    }

    /** A port nothing listens on. */
    private static QmqpClient.Server dead() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return new QmqpClient.Server("127.0.0.1", s.getLocalPort());
        }
    }

    @Test
    void oneNetstringOfMessageSenderAndRecipientsAfterAServerThatIsDown() throws Exception {
        try (OneShot hub = new OneShot("6:Kok 42,")) {
            QmqpClient.send(List.of(dead(), hub.server()), message(), ENVELOPE);
            assertEquals("54:18:Subject: hi\n\nbody\n,9:joe@x.org,7:a@y.org,7:b@y.org,,", hub.request.get());
        }
    }

    @Test
    void aTemporaryRefusalTriesTheNextServerAndAPermanentOneStops() throws Exception {
        try (OneShot busy = new OneShot("9:Zbusy now,"); OneShot hub = new OneShot("2:Ko,")) {
            QmqpClient.send(List.of(busy.server(), hub.server()), message(), ENVELOPE);
        }
        try (OneShot busy = new OneShot("9:Zbusy now,")) {
            assertEquals(71, assertThrows(QqException.class,
                    () -> QmqpClient.send(List.of(busy.server()), message(), ENVELOPE)).code());
        }
        try (OneShot no = new OneShot("3:Dno,"); OneShot hub = new OneShot("2:Ko,")) {
            QqException e = assertThrows(QqException.class,
                    () -> QmqpClient.send(List.of(no.server(), hub.server()), message(), ENVELOPE));
            assertEquals(31, e.code());
            assertEquals(true, e.permanent());
        }
    }

    @Test
    void noServerIs55AndOnlyDeadOnes73AndGarbage74() throws Exception {
        assertEquals(55, assertThrows(QqException.class, () -> QmqpClient.send(List.of(), message(), ENVELOPE)).code());
        assertEquals(73, assertThrows(QqException.class,
                () -> QmqpClient.send(List.of(dead()), message(), ENVELOPE)).code());
        try (OneShot odd = new OneShot("HTTP/1.0 400\r\n")) {
            assertEquals(74, assertThrows(QqException.class,
                    () -> QmqpClient.send(List.of(odd.server()), message(), ENVELOPE)).code());
        }
    }

    @Test
    void serverLines() {
        assertEquals(new QmqpClient.Server("10.0.0.1", 628), QmqpClient.Server.parse("10.0.0.1"));
        assertEquals(new QmqpClient.Server("10.0.0.1", 6280), QmqpClient.Server.parse("10.0.0.1:6280"));
        assertEquals(new QmqpClient.Server("::1", 628), QmqpClient.Server.parse("::1"));
        assertEquals(new QmqpClient.Server("::1", 7), QmqpClient.Server.parse("[::1]:7"));
        assertEquals("[::1]:7", QmqpClient.Server.parse("[::1]:7").toString());
    }
}
