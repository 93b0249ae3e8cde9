/*
 * MaildirWriter: crash-safe delivery of one message into a maildir
 * (QMAIL-REFERENCE §7.2, MD-01..MD-06; cr.yp.to/proto/maildir.html).
 *
 * The message (head, e.g. Return-Path and Delivered-To, then the raw body,
 * MD-03) is written to tmp/<unique>, fsync'd and closed, then renamed into
 * new/, and new/ is fsync'd (DurableFiles): the file is complete and on disk
 * before a reader can see it (MD-06), and it survives a crash once deliver()
 * returns.
 *
 * Departures from qmail-local:
 * - rename instead of link + unlink (MD-04), to keep deletions of fsync'd files
 *   off the hot path (DESIGN "Storage"). rename would replace an existing new/
 *   file where link fails with EEXIST; the unique name rules that out short of
 *   two deliverers sharing host name, pid, microsecond and counter.
 * - names are the modern form <secs>.M<micros>P<pid>Q<n>.<host>, where n counts
 *   deliveries in this JVM, so this process never reuses a name and the EEXIST
 *   retry loop of MD-02 is not needed. In the host name '/' becomes \057 and ':'
 *   becomes \072, as the maildir spec requires.
 *
 * On any failure the tmp file is removed and IOException thrown (a temporary
 * failure for the caller). If only the final fsync of new/ fails, the complete
 * message stays in new/: a redelivery may then duplicate it, never lose it.
 */
package dev.quail.persistence.maildir;

import dev.quail.persistence.DurableFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

public final class MaildirWriter {
    private static final AtomicLong DELIVERIES = new AtomicLong();
    private static final long PID = ProcessHandle.current().pid();

    private final String host;

    public MaildirWriter(String hostname) {
        if (hostname.isEmpty()) {
            throw new IllegalArgumentException("hostname must not be empty");
        }
        this.host = hostname.replace("/", "\\057").replace(":", "\\072");
    }

    /** Writes head then body into tmp/, fsyncs, renames into new/, fsyncs new/; returns the new/ file name. */
    public String deliver(Path maildir, byte[] head, byte[] body) throws IOException {
        String name = uniqueName();
        DurableFiles.deliver(maildir.resolve(Maildir.TMP).resolve(name), maildir.resolve(Maildir.NEW).resolve(name),
                head, body);
        return name;
    }

    private String uniqueName() {
        Instant now = Instant.now();
        return now.getEpochSecond() + ".M" + now.getNano() / 1000 + "P" + PID + "Q"
                + DELIVERIES.incrementAndGet() + "." + host;
    }
}
