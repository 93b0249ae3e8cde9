package dev.quail.engine.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * SMTP servers that hold a client up, one connection each, for the Connection's deadline and pacing tests: a
 * tarpit that trickles its greeting one byte at a time, and a server that takes the dialogue up to 354 and then
 * reads nothing more, so only the socket buffers take the message. {@link #hungUp} opens when the client has
 * closed the connection.
 */
final class StallingPeer implements AutoCloseable {
    final CountDownLatch hungUp = new CountDownLatch(1);
    final int port;
    private final ServerSocket server;

    private interface Script {
        void run(InputStream in, OutputStream out) throws IOException, InterruptedException;
    }

    private StallingPeer(String ip, Script script) throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName(ip), 0));
        port = server.getLocalPort();
        Thread t = new Thread(() -> {
            try (Socket s = server.accept()) {
                script.run(s.getInputStream(), s.getOutputStream());
                // the client ends it: its EOF, or a reset when it dropped unread bytes
                while (s.getInputStream().read() >= 0) {
                    // drain
                }
                hungUp.countDown();
            } catch (IOException | InterruptedException e) {
                hungUp.countDown();
            }
        }, "stalling-peer");
        t.setDaemon(true);
        t.start();
    }

    /** Sends {@code text} one byte every {@code millis} ms, and nothing after it. */
    static StallingPeer trickling(String ip, String text, long millis) throws IOException {
        return new StallingPeer(ip, (in, out) -> {
            for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
                out.write(b);
                out.flush();
                Thread.sleep(millis);
            }
        });
    }

    /** Answers every command until DATA, says 354, then stops reading for {@code millis} ms. */
    static StallingPeer stopsReadingAtData(String ip, long millis) throws IOException {
        return new StallingPeer(ip, (in, out) -> {
            say(out, "220 slow ESMTP");
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0) {
                if (c != '\n') {
                    line.append((char) c);
                    continue;
                }
                String command = line.toString().strip().toUpperCase();
                line.setLength(0);
                if (command.startsWith("EHLO")) {
                    say(out, "250-slow\r\n250 PIPELINING");
                } else if (command.equals("DATA")) {
                    say(out, "354 go ahead");
                    Thread.sleep(millis);
                    return;
                } else {
                    say(out, "250 ok");
                }
            }
        });
    }

    private static void say(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
