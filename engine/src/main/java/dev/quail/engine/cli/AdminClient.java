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

/**
 * Sends one request to the running server's admin socket and prints the answer: stdout and exit 0 when it
 * starts with "+", stderr and exit 111 otherwise (qmail's "temporary trouble").
 */
final class AdminClient {
    private AdminClient() {}

    static int call(Home home, String request) {
        String answer;
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
            answer = bytes.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("quail: the server for " + home.root() + " is not running or not reachable ("
                    + home.adminSocket() + ": " + e.getMessage() + ")");
            return Main.TEMPORARY;
        }
        if (answer.startsWith("+")) {
            System.out.print(answer.substring(1));
            return 0;
        }
        System.err.print("quail: " + (answer.isEmpty() ? "no answer\n" : answer.substring(1)));
        return Main.TEMPORARY;
    }
}
