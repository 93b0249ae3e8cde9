/*
 * MaildirWriter: crash-safe delivery of one message into a maildir
 * (QMAIL-REFERENCE §7.2, MD-01..MD-06; cr.yp.to/proto/maildir.html).
 *
 * The message (head, e.g. Return-Path and Delivered-To, then the raw body,
 * MD-03, streamed a buffer at a time whatever its size) is written to
 * tmp/<unique>, fsync'd and closed, then linked into new/, its tmp name
 * removed, and new/ fsync'd (DurableFiles.deliverNew): the file is complete
 * and on disk before a reader can see it (MD-06), and it survives a crash once
 * deliver() returns.
 *
 * Never replacing a message: the name is the modern form
 * <secs>.M<micros>P<pid>Q<n>R<random>.<host>, where n counts deliveries in this
 * JVM and <random> is 64 bits from SecureRandom as 16 hex digits (the spec's R
 * part): time, pid and counter alone repeat when a restarted JVM gets the same
 * pid (a container's pid 1) within the same microsecond, or when another host
 * with the same name delivers into a shared maildir. And the file enters new/
 * by link, as qmail-local's MD-04 does, not by rename: link fails when the name
 * is taken, where rename would silently replace the message already there. The
 * price, unlinking the tmp name, frees no data (new/ still links the file) and
 * costs about what the rename did (DurableFiles). A name that is taken anyway,
 * in tmp/ or new/, is a temporary failure, so the EEXIST retry loop of MD-02
 * is left to the queue's retry. In the host name '/' becomes \057 and ':'
 * becomes \072, as the maildir spec requires.
 *
 * On any failure the tmp file is removed and IOException thrown (a temporary
 * failure for the caller); so is a failure to read the body. If only the final
 * fsync of new/ fails, the complete message stays in new/: a redelivery may then
 * duplicate it, never lose it.
 */
package dev.quail.persistence.maildir;

import dev.quail.persistence.DurableFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

public final class MaildirWriter {
    private static final AtomicLong DELIVERIES = new AtomicLong();
    private static final long PID = ProcessHandle.current().pid();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String host;

    public MaildirWriter(String hostname) {
        if (hostname.isEmpty()) {
            throw new IllegalArgumentException("hostname must not be empty");
        }
        this.host = hostname.replace("/", "\\057").replace(":", "\\072");
    }

    /**
     * Writes head then the rest of {@code body} (read, not closed) into tmp/, fsyncs, links into new/, fsyncs
     * new/; returns the new/ file name.
     */
    public String deliver(Path maildir, byte[] head, InputStream body) throws IOException {
        String name = uniqueName();
        DurableFiles.deliverNew(maildir.resolve(Maildir.TMP).resolve(name), maildir.resolve(Maildir.NEW).resolve(name),
                head, body);
        return name;
    }

    private String uniqueName() {
        Instant now = Instant.now();
        return now.getEpochSecond() + ".M" + now.getNano() / 1000 + "P" + PID + "Q" + DELIVERIES.incrementAndGet()
                + "R" + HexFormat.of().toHexDigits(RANDOM.nextLong()) + "." + host;
    }
}
