package dev.quail.engine.cli;

import dev.quail.engine.Home;
import dev.quail.engine.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Sends one request to the running server's admin socket and prints the answer: stdout and exit 0 when it
 * starts with "+", stderr and exit 111 otherwise (qmail's "temporary trouble").
 */
final class AdminClient {
    private AdminClient() {}

    static int call(Home home, String request) {
        Optional<String> answer = ask(home, request);
        if (answer.isEmpty()) return Main.TEMPORARY;
        if (answer.get().startsWith("+")) {
            System.out.print(answer.get().substring(1));
            return 0;
        }
        return refused(answer.get());
    }

    /** The server's whole answer, "+" or "-" first; empty (said on stderr) when the server cannot be reached. */
    static Optional<String> ask(Home home, String request) {
        try {
            return Optional.of(send(home, request));
        } catch (IOException e) {
            System.err.println("quail: the server for " + home.root() + " is not running or not reachable ("
                    + home.adminSocket() + ": " + e.getMessage() + ")");
            return Optional.empty();
        }
    }

    /**
     * Tells a running server, if there is one, what a tool just changed for it (a reload after users/assign was
     * written); says nothing when none runs: the change takes effect when it starts.
     */
    static void ifRunning(Home home, String request) {
        try {
            send(home, request);
        } catch (IOException notRunning) {
            // nothing to tell
        }
    }

    private static String send(Home home, String request) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(home.adminSocket()));
            channel.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            channel.shutdownOutput();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(65536);
            while (channel.read(buffer) > 0) {
                bytes.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** Says on stderr why the server did not do it; exit 111. */
    static int refused(String answer) {
        System.err.print("quail: " + (answer.isEmpty() ? "no answer\n" : answer.substring(1)));
        return Main.TEMPORARY;
    }
}
