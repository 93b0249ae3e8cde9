package dev.quail.engine.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** admin.sock is 0600 from the first moment it is reachable, and answers where it was asked for. */
class AdminSocketTest {
    @TempDir
    Path dir;

    @Test
    void the_socket_is_private_and_bound_where_asked_with_nothing_left_beside_it() throws Exception {
        ActorTestKit testKit = ActorTestKit.create();
        try {
            Path path = dir.resolve("admin.sock");
            Files.writeString(path, "stale");
            TestProbe<Admin.Command> admin = testKit.createTestProbe();
            try (AdminSocket socket = AdminSocket.open(path, admin.ref(), testKit.scheduler())) {
                assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(path));
                try (var entries = Files.list(dir)) {
                    assertEquals(List.of(path), entries.toList());
                }
                try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    client.connect(UnixDomainSocketAddress.of(path));
                    client.write(ByteBuffer.wrap("qstat\n".getBytes(StandardCharsets.UTF_8)));
                    Admin.Request request = admin.expectMessageClass(Admin.Request.class);
                    assertEquals("qstat", request.line());
                    request.replyTo().tell("+ok\n");
                    ByteBuffer answer = ByteBuffer.allocate(16);
                    client.read(answer);
                    assertEquals("+ok\n", new String(answer.array(), 0, answer.position(), StandardCharsets.UTF_8));
                }
            }
        } finally {
            testKit.shutdownTestKit();
        }
    }
}
