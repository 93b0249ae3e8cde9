package dev.quail.engine.cli;

import dev.quail.config.Control;
import dev.quail.engine.compat.QmqpClient;
import dev.quail.engine.compat.QqEnvelope;
import dev.quail.engine.compat.QqException;
import dev.quail.engine.delivery.ReceivedLine;
import java.io.BufferedInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code quail qmail-qmqpc} (bin/qmail-qmqpc): qmail-queue's interface (message on descriptor 0, then the envelope on
 * descriptor 1, QQ-01) for a satellite that keeps no queue: the message goes to the first server of
 * control/qmqpservers that takes it ({@link QmqpClient}), and exit 0 means that server has it. It is spooled to a
 * temporary file on the way, because a netstring states its length first and stdin may be a pipe; the file is
 * gone when the program ends. The message gets this host's qmail-queue Received line (QQ-02), so the hub's copy
 * still says where it was injected.
 */
@Command(name = "qmail-qmqpc", description = "Hand the message on fd 0 with the envelope on fd 1 to a QMQP server.")
public final class QmqpcCommand implements Callable<Integer> {
    @Mixin
    HomeOption homeOption;

    @Override
    public Integer call() throws IOException {
        QueueDeadline.start();
        Path spool = Files.createTempFile("quail-qmqpc", ".msg");
        try {
            spool(spool);
            QqEnvelope envelope = QqEnvelope.read(new BufferedInputStream(new FileInputStream(FileDescriptor.out)));
            QmqpClient.send(servers(), spool, envelope);
            return 0;
        } catch (QqException e) {
            System.err.println("qmail-qmqpc: " + e.getMessage());
            return e.code();
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    private static void spool(Path file) throws QqException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ReceivedLine.ofThisProgram(Instant.now()));
            byte[] buffer = new byte[65536];
            InputStream in = System.in;
            for (int n = read(in, buffer); n >= 0; n = read(in, buffer)) out.write(buffer, 0, n);
        } catch (IOException e) {
            throw new QqException(QqException.WRITE_ERROR, "unable to spool the message: " + e.getMessage());
        }
    }

    private static int read(InputStream in, byte[] buffer) throws QqException {
        try {
            return in.read(buffer);
        } catch (IOException e) {
            throw new QqException(QqException.READ_ERROR, "unable to read the message: " + e.getMessage());
        }
    }

    private List<QmqpClient.Server> servers() throws QqException {
        try {
            List<QmqpClient.Server> servers = new ArrayList<>();
            for (String line : Control.load(homeOption.home().root()).qmqpservers()) {
                servers.add(QmqpClient.Server.parse(line));
            }
            return servers;
        } catch (IOException | RuntimeException e) {
            throw new QqException(QqException.CONFIGURATION, "unable to read control/qmqpservers: " + e.getMessage());
        }
    }
}
