package dev.quail.engine.admin;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * The operator's door to the running server: a Unix-domain socket, HOME/queue/admin.sock, mode 0600, so only
 * the account running Quail can flush or edit the queue (qmail guards its queue tools with file permissions the
 * same way). One line in, one answer out, then the connection closes. Not a mail protocol, so plain NIO on
 * one daemon thread rather than Pekko Streams.
 *
 * <p>bind() creates the socket file with the process's umask, which Java cannot set, and a chmod after it would
 * leave a moment in which another account could connect. So the socket is bound inside a directory of its own,
 * created mode 0700 (which no umask widens), where nobody else can reach it whatever its mode; it is made 0600
 * there, then renamed into place (a rename keeps the bound socket) and the directory removed.
 */
public final class AdminSocket implements AutoCloseable {
    static final int MAX_REQUEST = 1024;

    private final Path path;
    private final ServerSocketChannel server;

    private AdminSocket(Path path, ServerSocketChannel server) {
        this.path = path;
        this.server = server;
    }

    public static AdminSocket open(Path path, ActorRef<Admin.Command> admin, Scheduler scheduler) throws IOException {
        ServerSocketChannel server = bindPrivately(path);
        AdminSocket socket = new AdminSocket(path, server);
        Thread t = new Thread(() -> socket.serve(admin, scheduler), "quail-admin");
        t.setDaemon(true);
        t.start();
        return socket;
    }

    private static ServerSocketChannel bindPrivately(Path path) throws IOException {
        Path dir = path.resolveSibling("." + path.getFileName() + ".new");
        Path inside = dir.resolve("s");
        Files.deleteIfExists(inside);
        Files.deleteIfExists(dir);
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(inside));
            Files.setPosixFilePermissions(inside, PosixFilePermissions.fromString("rw-------"));
            Files.move(inside, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        } finally {
            Files.deleteIfExists(inside);
            Files.deleteIfExists(dir);
        }
    }

    private void serve(ActorRef<Admin.Command> admin, Scheduler scheduler) {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                String request = readLine(client);
                CompletionStage<String> answer = AskPattern.ask(admin, r -> new Admin.Request(request, r),
                        Duration.ofMinutes(5), scheduler);
                String text = answer.toCompletableFuture().exceptionally(e -> "-" + e.getMessage() + "\n").join();
                ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (out.hasRemaining()) client.write(out);
            } catch (IOException e) {
                if (!server.isOpen()) return;
            }
        }
    }

    private static String readLine(SocketChannel client) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(MAX_REQUEST);
        while (in.hasRemaining() && client.read(in) > 0) {
            if (in.get(in.position() - 1) == '\n') break;
        }
        return new String(in.array(), 0, in.position(), StandardCharsets.UTF_8).strip();
    }

    @Override
    public void close() throws IOException {
        server.close();
        Files.deleteIfExists(path);
    }
}
