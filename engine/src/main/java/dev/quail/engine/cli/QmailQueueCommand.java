package dev.quail.engine.cli;

import dev.quail.engine.compat.MaildropQueue;
import dev.quail.engine.compat.QqEnvelope;
import dev.quail.engine.compat.QqException;
import java.io.BufferedInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.InputStream;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code quail qmail-queue} (bin/qmail-queue): qmail-queue's interface for the programs that queue mail themselves
 * (ARCH-01, QQ-01..04): the message on descriptor 0, read to its end first, then the envelope on descriptor 1 (which
 * the caller opened for reading: a pipe, or a file as in {@code qmail-queue <msg 1<envelope}). Exit 0 once the
 * message is durably in the maildrop, else qmail-queue's code, with a word on stderr. Nothing is ever written to
 * descriptor 1: it is an input here.
 */
@Command(name = "qmail-queue", description = "Queue the message on fd 0 with the envelope on fd 1 (qmail-queue).")
public final class QmailQueueCommand implements Callable<Integer> {
    @Mixin
    HomeOption homeOption;

    @Override
    public Integer call() {
        QueueDeadline.start();
        MaildropQueue queue = new MaildropQueue(homeOption.home(), Clock.systemUTC());
        try {
            byte[] message = queue.read(System.in);
            InputStream fd1 = new BufferedInputStream(new FileInputStream(FileDescriptor.out));
            QqEnvelope envelope = QqEnvelope.read(fd1);
            queue.write(message, envelope);
            return 0;
        } catch (QqException e) {
            System.err.println("qmail-queue: " + e.getMessage());
            return e.code();
        }
    }
}
