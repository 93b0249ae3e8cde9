package dev.quail.engine.compat;

import dev.quail.config.Control;
import dev.quail.config.Limits;
import dev.quail.engine.Home;
import dev.quail.engine.delivery.QueueProgram;
import dev.quail.protocols.smtp.QueueResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * qmail.c's qmail_open for the programs on the host that queue a message (quail inject, sendmail, forward,
 * condredirect, qreceipt): the program $QMAILQUEUE names, if set, takes qmail-queue's place ({@link QueueProgram},
 * bounded by timeoutqmailqueue); else the message goes into the maildrop ({@link MaildropQueue}). bin/qmail-queue
 * itself never looks at $QMAILQUEUE: it is what such a program calls to queue.
 */
public final class HostQueue {
    static final String QMAILQUEUE = "QMAILQUEUE";

    private HostQueue() {}

    /** Queues {@code message} (without a Received line: the queueing adds it); the answer as qmail-queue's. */
    public static QueueResult queue(Home home, byte[] message, String sender, List<String> recipients,
                                    Map<String, String> env) {
        String program = env.getOrDefault(QMAILQUEUE, "");
        if (!program.isEmpty()) return throughProgram(home, program, message, sender, recipients);
        try {
            return new QueueResult.Queued(new MaildropQueue(home, Clock.systemUTC())
                    .write(message, new QqEnvelope(sender, recipients)));
        } catch (QqException e) {
            return e.permanent() ? new QueueResult.Permanent("5.3.0 " + e.getMessage() + " (#5.3.0)")
                    : new QueueResult.Temporary("4.3.0 " + e.getMessage() + " (#4.3.0)");
        }
    }

    private static QueueResult throughProgram(Home home, String program, byte[] message, String sender,
                                              List<String> recipients) {
        long timeout = Limits.DEFAULT_TIMEOUTQMAILQUEUE;
        try {
            timeout = Control.load(home.root()).limits().timeoutqmailqueue();
        } catch (IOException unreadable) {
            // the default bounds it then
        }
        QueueProgram.Exit exit;
        try {
            exit = new QueueProgram(program, Duration.ofSeconds(timeout), Map.of())
                    .run(new ByteArrayInputStream(message), sender, recipients);
        } catch (IOException e) {
            exit = QueueProgram.NOT_RUN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exit = QueueProgram.NOT_RUN;
        }
        return QueueProgram.result(exit, Long.toString(ProcessHandle.current().pid()));
    }
}
