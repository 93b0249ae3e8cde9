package dev.quail.engine.compat;

import dev.quail.engine.Home;
import dev.quail.engine.delivery.ReceivedLine;
import dev.quail.persistence.maildrop.Maildrop;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;

/**
 * qmail-queue's work for programs that run beside the server (QQ-01..04, Q-10..15): a message and its envelope go,
 * fsync'd, into the maildrop that {@code quail inject} uses, so "queued" (exit 0) holds whether or not the server is
 * running; the server picks the file up at once or when it starts, under the file's name as message id (the
 * {@code qp} the helpers print).
 *
 * <p>QQ-02: the stored message starts with exactly one {@link ReceivedLine}.
 *
 * <p>Memory: the maildrop file is written in one go, so the message is held in memory while it is read, up to
 * {@link #MAX_MESSAGE_BYTES}; a longer one is refused for good (exit 31, "permanently refuses", the code qmail leaves
 * to replacements) rather than half-read, and running out of memory first is qmail-queue's exit 51.
 */
public final class MaildropQueue {
    public static final int MAX_MESSAGE_BYTES = 256 << 20;

    private final Home home;
    private final Clock clock;
    private final int maxBytes;

    public MaildropQueue(Home home, Clock clock) {
        this(home, clock, MAX_MESSAGE_BYTES);
    }

    MaildropQueue(Home home, Clock clock, int maxBytes) {
        this.home = home;
        this.clock = clock;
        this.maxBytes = maxBytes;
    }

    /** The message to queue: {@code in} to its end. qmail-queue reads it before the envelope. */
    public byte[] read(InputStream in) throws QqException {
        ByteArrayOutputStream message = new ByteArrayOutputStream(8192);
        byte[] buffer = new byte[65536];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (message.size() + n > maxBytes) {
                    throw new QqException(QqException.REFUSED, "message larger than " + maxBytes + " bytes");
                }
                message.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new QqException(QqException.READ_ERROR, "unable to read the message: " + e.getMessage());
        } catch (OutOfMemoryError e) {
            throw new QqException(QqException.NO_MEMORY, "out of memory reading the message");
        }
        return message.toByteArray();
    }

    /** Queues durably under the Received line; returns the message's id. */
    public String write(byte[] message, QqEnvelope envelope) throws QqException {
        if (!Files.isDirectory(home.root())) {
            throw new QqException(QqException.NO_HOME, "no Quail home at " + home.root());
        }
        Maildrop maildrop;
        try {
            maildrop = new Maildrop(home.maildrop());
        } catch (UncheckedIOException e) {
            throw new QqException(QqException.NO_QUEUE, e.getMessage());
        }
        try {
            return maildrop.write(envelope.sender(), envelope.recipients(), ReceivedLine.ofThisProgram(clock.instant()),
                    message);
        } catch (IOException e) {
            throw new QqException(QqException.WRITE_ERROR, "qq write error or disk full: " + e.getMessage());
        }
    }
}
