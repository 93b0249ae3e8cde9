package dev.quail.engine.compat;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * qmail-qmqpc (QMQP-00, QMQP-01): hands one message to the first QMQP server of control/qmqpservers that takes it,
 * as a mini-qmail satellite does, keeping nothing itself. The request is one netstring holding netstring(message),
 * netstring(sender) and a netstring per recipient; the answer one netstring starting K (taken), Z (try later) or D
 * (refused for good).
 * <ul>
 * <li>a server that cannot be reached, breaks off, or answers Z: the next server is tried;</li>
 * <li>K: done (0); D: refused (31), no other server is asked;</li>
 * <li>when every server failed, the exit is the last failure's, in qmail-queue's codes: 72 connect timeout, 73
 *     connection refused, 74 conversation failed, 71 temporarily refused; no server listed is 55.</li>
 * </ul>
 * Servers are {@code IP}, as in qmail, or {@code IP:PORT} / {@code [IPv6]:PORT} (Quail); the port defaults to 628.
 * qmail's timeouts: 10 s to connect, 60 s for each read and write.
 */
public final class QmqpClient {
    public static final int PORT = 628;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration IO_TIMEOUT = Duration.ofSeconds(60);
    /** Longer than any answer a server writes: beyond it the peer is not speaking QMQP. */
    static final int MAX_ANSWER = 4096;

    /** One line of control/qmqpservers. */
    public record Server(String host, int port) {
        /** @throws IllegalArgumentException for a line that names no server */
        public static Server parse(String line) {
            if (line.startsWith("[")) {
                int close = line.indexOf(']');
                int port = line.startsWith(":", close + 1) ? Integer.parseInt(line.substring(close + 2)) : PORT;
                return new Server(line.substring(1, close), port);
            }
            int colon = line.indexOf(':');
            if (colon >= 0 && colon == line.lastIndexOf(':')) {
                return new Server(line.substring(0, colon), Integer.parseInt(line.substring(colon + 1)));
            }
            return new Server(line, PORT);
        }

        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private QmqpClient() {}

    /** Sends the message in {@code file} (LF line ends, as queued); returns normally only when a server took it. */
    public static void send(List<Server> servers, Path file, QqEnvelope envelope) throws QqException {
        QqException last = new QqException(QqException.CONFIGURATION, "no QMQP servers in control/qmqpservers");
        for (Server server : servers) {
            try {
                String answer = transact(server, file, envelope);
                if (answer.startsWith("K")) return;
                if (answer.startsWith("D")) {
                    throw new QqException(QqException.REFUSED, server + " refused the message: " + answer.substring(1));
                }
                last = new QqException(QqException.REMOTE_TEMPORARY, server + " deferred the message: "
                        + answer.substring(answer.startsWith("Z") ? 1 : 0));
            } catch (Unreachable e) {
                last = e.failure;
            } catch (IOException e) {
                last = new QqException(QqException.CONVERSATION_FAILED, "conversation with " + server + " failed: "
                        + e.getMessage());
            }
        }
        throw last;
    }

    /** The connection could not be made: a timeout or a refusal, each with its own code. */
    private static final class Unreachable extends Exception {
        final QqException failure;

        Unreachable(QqException failure) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
        }
    }

    private static String transact(Server server, Path file, QqEnvelope envelope) throws IOException, Unreachable {
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(server.host(), server.port()), (int) CONNECT_TIMEOUT.toMillis());
            } catch (SocketTimeoutException e) {
                throw new Unreachable(new QqException(QqException.CONNECT_TIMEOUT, "connecting to " + server
                        + " timed out"));
            } catch (IOException e) {
                throw new Unreachable(new QqException(QqException.CONNECT_REFUSED, "unable to connect to " + server
                        + ": " + e.getMessage()));
            }
            socket.setSoTimeout((int) IO_TIMEOUT.toMillis());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 65536);
            List<byte[]> fields = new ArrayList<>();
            fields.add(envelope.sender().getBytes(StandardCharsets.UTF_8));
            for (String r : envelope.recipients()) fields.add(r.getBytes(StandardCharsets.UTF_8));
            long messageSize = Files.size(file);
            long length = framed(messageSize);
            for (byte[] f : fields) length += framed(f.length);
            out.write((length + ":" + messageSize + ":").getBytes(StandardCharsets.US_ASCII));
            Files.copy(file, out);
            out.write(',');
            for (byte[] f : fields) {
                out.write((f.length + ":").getBytes(StandardCharsets.US_ASCII));
                out.write(f);
                out.write(',');
            }
            out.write(',');
            out.flush();
            return answer(new BufferedInputStream(socket.getInputStream()));
        }
    }

    /** The size of {@code n} bytes as a netstring. */
    private static long framed(long n) {
        return Long.toString(n).length() + n + 2;
    }

    /** The server's one netstring. */
    private static String answer(InputStream in) throws IOException {
        int length = 0;
        int c;
        while ((c = in.read()) != ':') {
            if (c < '0' || c > '9' || length > MAX_ANSWER) throw new IOException("the answer is not a netstring");
            length = length * 10 + (c - '0');
        }
        byte[] text = in.readNBytes(length);
        if (text.length < length || length == 0 || in.read() != ',') {
            throw new IOException("the answer is not a netstring");
        }
        return new String(text, StandardCharsets.ISO_8859_1);
    }
}
