package dev.quail.engine.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.engine.MemoryBodies;
import dev.quail.engine.TestHomes;
import dev.quail.engine.auth.Logins;
import dev.quail.engine.auth.Passwords;
import dev.quail.engine.queue.Queue;
import dev.quail.engine.queue.Submitter;
import dev.quail.engine.tls.ServerTls;
import dev.quail.engine.tls.TrustingClient;
import dev.quail.protocols.smtp.Deadlines;
import dev.quail.protocols.smtp.SmtpClient;
import dev.quail.protocols.smtp.SmtpPolicy;
import dev.quail.protocols.smtp.SmtpSecurity;
import dev.quail.protocols.smtp.SmtpSession;
import java.util.Optional;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Tcp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SMTP edge's TLS over real sockets, with the JDK's TLS client: STARTTLS (RFC 3207) with a command injected
 * in the same packet (the CVE-2011-0411 class: it must never be answered), implicit TLS (RFC 8314), and a client
 * that speaks clear text to the TLS port.
 */
class SmtpTlsConnectionTest {
    @TempDir
    static Path dir;
    private static ActorTestKit testKit;
    private static ServerTls tls;
    private static SmtpAuthenticator authenticator;
    private static TestProbe<Queue.Command> queue;
    private static Submitter submitter;

    @BeforeAll
    static void start() throws Exception {
        testKit = ActorTestKit.create();
        tls = ServerTls.open(dir.resolve("servercert.pem"), "mx.quail.test");
        authenticator = new SmtpAuthenticator(new Logins(new Passwords(dir.resolve("passwords")),
                TestHomes.controls(Map.of())));
        queue = testKit.createTestProbe(Queue.Command.class);
        submitter = new Submitter(queue.ref(), testKit.scheduler(), TestHomes.ids()::next);
    }

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    /** A listener on a free loopback port whose sessions have this security. */
    private static int listen(SmtpSecurity security) {
        SmtpPolicy policy = new SmtpPolicy("mx.quail.test", "mx.quail.test", 0, 100, 100, r -> false, s -> false,
                () -> false, r -> r, r -> SmtpPolicy.Mailbox.KNOWN, Optional.empty(), Optional.empty());
        var system = testKit.system();
        Tcp.ServerBinding binding = Tcp.get(system).bind("127.0.0.1", 0).to(Sink.foreach(connection -> {
            InetSocketAddress remote = connection.remoteAddress();
            SmtpSession session = new SmtpSession(policy, security,
                    new SmtpClient(remote.getAddress().getHostAddress(), remote.getPort(), "127.0.0.1"),
                    Deadlines.Timing.NONE, Clock.systemUTC());
            connection.handleWith(SmtpConnection.flow(session, new IncomingBody(new MemoryBodies(), submitter,
                    "smtp test"), "smtp test",
                    remote.getAddress(), authenticator, tls::newEngine,
                    security.tls() == SmtpSecurity.Tls.IMPLICIT, TestHomes.ticket()), system);
        })).run(system).toCompletableFuture().join();
        return binding.localAddress().getPort();
    }

    /** One reply's lines, the last one included. */
    private static List<String> reply(BufferedReader in) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = in.readLine();
            if (line == null) throw new IOException("connection closed after " + lines);
            lines.add(line);
        } while (line.length() > 3 && line.charAt(3) == '-');
        return lines;
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    }

    private static void write(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Test
    void aCommandSentInClearWithStartTlsIsNeverAnsweredInsideTls() throws Exception {
        int port = listen(new SmtpSecurity(SmtpSecurity.Tls.STARTTLS, false));
        try (Socket plain = new Socket("127.0.0.1", port)) {
            BufferedReader in = reader(plain);
            assertEquals(List.of("220 mx.quail.test ESMTP"), reply(in));
            write(plain, "EHLO client.test\r\nSTARTTLS\r\nNOOP\r\n");
            assertTrue(reply(in).contains("250-STARTTLS"));
            assertEquals(List.of("220 2.0.0 ready to start TLS"), reply(in));
            try (SSLSocket secure = (SSLSocket) TrustingClient.context().getSocketFactory()
                    .createSocket(plain, "127.0.0.1", port, true)) {
                secure.startHandshake();
                secure.setSoTimeout(1500);
                BufferedReader tlsIn = reader(secure);
                assertThrows(SocketTimeoutException.class, tlsIn::readLine, "the NOOP sent in clear was answered");
                write(secure, "EHLO client.test\r\n");
                List<String> ehlo = reply(tlsIn);
                assertTrue(ehlo.contains("250-AUTH PLAIN LOGIN"), ehlo.toString());
                assertFalse(ehlo.contains("250-STARTTLS"), ehlo.toString());
                write(secure, "STARTTLS\r\nQUIT\r\n");
                assertEquals(List.of("503 5.5.1 TLS already active (#5.5.1)"), reply(tlsIn));
                assertEquals(List.of("221 2.0.0 mx.quail.test"), reply(tlsIn));
            }
        }
    }

    @Test
    void implicitTlsGreetsOnlyAfterTheHandshake() throws Exception {
        int port = listen(new SmtpSecurity(SmtpSecurity.Tls.IMPLICIT, false));
        try (SSLSocket secure = (SSLSocket) TrustingClient.context().getSocketFactory().createSocket("127.0.0.1", port)) {
            BufferedReader in = reader(secure);
            assertEquals(List.of("220 mx.quail.test ESMTP"), reply(in));
            assertEquals("CN=mx.quail.test", ((X509Certificate) secure.getSession().getPeerCertificates()[0])
                    .getSubjectX500Principal().getName());
            write(secure, "EHLO client.test\r\nAUTH PLAIN AGFsaWNlQHF1YWlsLnRlc3QAd3Jvbmc=\r\n");
            assertTrue(reply(in).contains("250-AUTH PLAIN LOGIN"));
            assertEquals(List.of("535 5.7.8 authentication failed (#5.7.8)"), reply(in));
        }
    }

    @Test
    void clearTextOnTheTlsPortGetsNoGreetingAndIsClosed() throws Exception {
        int port = listen(new SmtpSecurity(SmtpSecurity.Tls.IMPLICIT, false));
        try (Socket plain = new Socket("127.0.0.1", port)) {
            plain.setSoTimeout(10_000);
            write(plain, "EHLO client.test\r\n");
            assertEquals(-1, plain.getInputStream().read());
        }
    }
}
