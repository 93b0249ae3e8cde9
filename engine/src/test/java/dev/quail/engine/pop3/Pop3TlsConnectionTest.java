package dev.quail.engine.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.engine.Controls;
import dev.quail.engine.Mailboxes;
import dev.quail.engine.TestHomes;
import dev.quail.engine.auth.Logins;
import dev.quail.engine.auth.Passwords;
import dev.quail.engine.tls.ServerTls;
import dev.quail.engine.tls.TrustingClient;
import dev.quail.protocols.pop3.Pop3Session;
import dev.quail.protocols.smtp.Deadlines;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLSocket;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The POP3 edge's TLS over real sockets, with the JDK's TLS client: STLS (RFC 2595) with a command injected in the
 * same packet (the CVE-2011-0411 class: it must never be answered), then a login and a retrieval under TLS;
 * implicit TLS (pop3s, RFC 8314) with a message spanning many TLS records; and clear text sent to the TLS port.
 */
class Pop3TlsConnectionTest {
    private static final String GREETING = "+OK <1.1@test.example>";
    @TempDir
    static Path dir;
    private static ActorTestKit testKit;
    private static ExecutorService io;
    private static ServerTls tls;
    /** users/passwords with bob@test.example:s3cret, made once: bcrypt is slow. */
    private static byte[] passwords;
    private Path maildir;
    private Pop3Login login;

    @BeforeAll
    static void start() throws Exception {
        testKit = ActorTestKit.create();
        io = Executors.newCachedThreadPool();
        tls = ServerTls.open(dir.resolve("servercert.pem"), "pop.quail.test");
        Path file = dir.resolve("passwords");
        new Passwords(file).set("bob@test.example", "s3cret".toCharArray());
        passwords = Files.readAllBytes(file);
    }

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
        io.shutdownNow();
    }

    @BeforeEach
    void mailbox() throws Exception {
        Controls controls = TestHomes.controls(Map.of());
        maildir = Mailboxes.add(controls.home(), "bob@test.example");
        controls.reload();
        Files.write(controls.home().passwords(), passwords);
        login = new Pop3Login(controls, new Logins(new Passwords(controls.home().passwords()), controls), io);
    }

    /** A listener on a free loopback port: STLS offered, or TLS from the first byte. */
    private int listen(boolean implicitTls) {
        var system = testKit.system();
        return Tcp.get(system).bind("127.0.0.1", 0)
                .to(Sink.foreach(c -> c.handleWith(Pop3Connection.flow(
                        new Pop3Session("<1.1@test.example>", !implicitTls, Deadlines.Timing.NONE, Clock.systemUTC()),
                        login, InetAddress.getLoopbackAddress(), io, Duration.ofMillis(100), tls::newEngine, implicitTls,
                        TestHomes.ticket()), system)))
                .run(system).toCompletableFuture().join().localAddress().getPort();
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    }

    private static String send(Socket s, BufferedReader in, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return in.readLine();
    }

    /** The lines of a multi-line answer, up to the final dot. */
    private static List<String> lines(BufferedReader in) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String l = in.readLine(); !".".equals(l); l = in.readLine()) {
            if (l == null) throw new IOException("connection closed after " + lines);
            lines.add(l);
        }
        return lines;
    }

    private void deliver(String name, String content) throws IOException {
        Files.writeString(maildir.resolve("new").resolve(name), content, StandardCharsets.ISO_8859_1);
    }

    @Test
    void a_command_sent_in_clear_with_stls_is_never_answered_and_login_works_under_tls() throws Exception {
        deliver("100.first", "Subject: secret\n\nbody\n");
        int port = listen(false);
        try (Socket plain = new Socket("127.0.0.1", port)) {
            plain.setSoTimeout(10_000);
            BufferedReader in = reader(plain);
            assertEquals(GREETING, in.readLine());
            assertEquals("+OK capability list follows", send(plain, in, "CAPA\r\n"));
            assertTrue(lines(in).contains("STLS"));
            assertEquals("+OK begin TLS negotiation", send(plain, in, "STLS\r\nUSER bob@test.example\r\n"));
            try (SSLSocket secure = (SSLSocket) TrustingClient.context().getSocketFactory()
                    .createSocket(plain, "127.0.0.1", port, true)) {
                secure.startHandshake();
                assertEquals("CN=pop.quail.test", ((X509Certificate) secure.getSession().getPeerCertificates()[0])
                        .getSubjectX500Principal().getName());
                secure.setSoTimeout(1500);
                BufferedReader tlsIn = reader(secure);
                assertThrows(SocketTimeoutException.class, tlsIn::readLine, "the USER sent in clear was answered");
                secure.setSoTimeout(10_000);
                assertEquals("-ERR USER first", send(secure, tlsIn, "PASS s3cret\r\n"),
                        "the USER sent in clear was kept");
                assertEquals("+OK capability list follows", send(secure, tlsIn, "CAPA\r\n"));
                assertFalse(lines(tlsIn).contains("STLS"));
                assertEquals("-ERR TLS already active", send(secure, tlsIn, "STLS\r\n"));
                assertEquals("+OK ", send(secure, tlsIn, "USER bob@test.example\r\n"));
                assertEquals("+OK ", send(secure, tlsIn, "PASS s3cret\r\n"));
                assertEquals("+OK ", send(secure, tlsIn, "RETR 1\r\n"));
                assertEquals(List.of("Subject: secret", "", "body"), lines(tlsIn));
                assertEquals("+OK ", send(secure, tlsIn, "DELE 1\r\n"));
                assertEquals("+OK ", send(secure, tlsIn, "QUIT\r\n"));
                assertNull(tlsIn.readLine(), "the server closes after QUIT");
            }
        }
        assertEquals(List.of(), List.of(maildir.resolve("new").toFile().list()));
    }

    @Test
    void implicit_tls_greets_after_the_handshake_and_carries_a_message_of_many_records() throws Exception {
        StringBuilder big = new StringBuilder("Subject: big\n\n");
        for (int i = 0; i < 3000; i++) big.append("line ").append(i).append(" of a message larger than a record\n");
        deliver("100.big", big.toString());
        int port = listen(true);
        try (SSLSocket secure = (SSLSocket) TrustingClient.context().getSocketFactory().createSocket("127.0.0.1", port)) {
            secure.setSoTimeout(10_000);
            BufferedReader in = reader(secure);
            assertEquals(GREETING, in.readLine());
            assertEquals("+OK capability list follows", send(secure, in, "CAPA\r\n"));
            assertFalse(lines(in).contains("STLS"));
            assertEquals("-ERR authorization first", send(secure, in, "STLS\r\n"));
            assertEquals("+OK ", send(secure, in, "USER bob@test.example\r\n"));
            assertEquals("+OK ", send(secure, in, "PASS s3cret\r\n"));
            assertEquals("+OK ", send(secure, in, "RETR 1\r\n"));
            List<String> message = lines(in);
            assertEquals(3002, message.size());
            assertEquals(big.toString(), String.join("\n", message) + "\n");
            assertEquals("+OK ", send(secure, in, "QUIT\r\n"));
            assertNull(in.readLine());
        }
    }

    @Test
    void clear_text_on_the_tls_port_gets_no_greeting_and_is_closed() throws Exception {
        int port = listen(true);
        try (Socket plain = new Socket("127.0.0.1", port)) {
            plain.setSoTimeout(10_000);
            plain.getOutputStream().write("USER bob@test.example\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(-1, plain.getInputStream().read());
        }
    }
}
