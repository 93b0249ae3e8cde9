package dev.quail.engine.local;

import dev.quail.config.Assignment;
import dev.quail.engine.Controls;
import dev.quail.engine.queue.Delivery;
import dev.quail.engine.queue.Injector;
import dev.quail.engine.queue.Outcome;
import dev.quail.persistence.maildir.MaildirWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * qmail-local for one recipient: find the mailbox in users/assign (LSPAWN-01, USR-04) and deliver into its
 * Maildir with Return-Path and Delivered-To prepended (FMT-01, FMT-02, MD-01..04). An unknown mailbox is a
 * permanent failure; any I/O trouble is temporary, so the message stays queued and is retried.
 */
public final class LocalDelivery {
    static final String NO_MAILBOX = "Sorry, no mailbox here by that name. (#5.1.1)";

    private final Controls controls;
    private final MaildirWriter maildir;
    private final Injector injector;

    public LocalDelivery(Controls controls, MaildirWriter maildir, Injector injector) {
        this.controls = controls;
        this.maildir = maildir;
        this.injector = injector;
    }

    public Outcome deliver(Delivery job) {
        String address = job.address();
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        if (local.isEmpty()) return new Outcome.Success("Trashed: empty local part. (#2.0.0)");
        Optional<Assignment> assignment = controls.current().assign().lookup(local.toLowerCase(Locale.ROOT));
        if (assignment.isEmpty()) return new Outcome.Failure(NO_MAILBOX);
        Path box = assignment.get().home().resolve("Maildir");
        if (!Files.isDirectory(box)) return new Outcome.Deferral("Unable to chdir to maildir. (#4.2.1)");
        try {
            String name = maildir.deliver(box, head(job.sender(), address), job.body());
            return new Outcome.Success("did 1+0+0/ " + name);
        } catch (IOException e) {
            return new Outcome.Deferral("Unable to write to maildir: " + e.getMessage() + " (#4.3.0)");
        }
    }

    /** FMT-01/FMT-02: a newline inside either address becomes '_' so it cannot forge a header line. */
    static byte[] head(String sender, String recipient) {
        String head = "Return-Path: <" + sender.replace('\n', '_') + ">\n"
                + "Delivered-To: " + recipient.replace('\n', '_') + "\n";
        return head.getBytes(StandardCharsets.ISO_8859_1);
    }
}
