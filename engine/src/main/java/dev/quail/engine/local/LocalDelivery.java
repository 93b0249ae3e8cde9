package dev.quail.engine.local;

import dev.quail.config.Assignment;
import dev.quail.config.QuailHome;
import dev.quail.config.dotqmail.LocalMailbox;
import dev.quail.engine.Controls;
import dev.quail.engine.delivery.Delivery;
import dev.quail.engine.delivery.Injector;
import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.delivery.QuailPrograms;
import dev.quail.engine.lists.ListDelivery;
import dev.quail.engine.lists.Lists;
import dev.quail.engine.lists.UnsubscribeFields;
import dev.quail.persistence.body.BodyStore;
import dev.quail.persistence.maildir.MaildirWriter;
import dev.quail.persistence.mbox.MboxWriter;
import dev.quail.persistence.maildir.Maildir;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * qmail-lspawn's part of a local delivery (LSPAWN-01, SPAWN-03), then {@link QmailLocal}:
 * <ul>
 * <li>a recipient without '@' is refused; an empty local part is trashed (success, nothing delivered);</li>
 * <li>the local part is looked up in users/assign (USR-04; its case is kept for a wildcard's rest);</li>
 * <li>not found: the alias mailbox, as qmail-getpw's last resort (USR-05, DQ-24): user {@code alias}, home
 *     {@code HOME/alias}, dash "-", ext = the whole local part, so {@code alias/.qmail-postmaster},
 *     {@code alias/.qmail-default} and friends decide. Without an {@code alias/} directory there is no such
 *     mailbox (permanent). A {@code +:alias:...} catch-all in users/assign works the same way.</li>
 * </ul>
 * An address of a mailing list (lists/, see {@link Lists#find}) is the list manager's ({@link ListDelivery}),
 * before any mailbox is looked up, as ezmlm's .qmail files take a list's addresses.
 * The mailbox's home (the directory holding its Maildir/) is where its .qmail files live. defaultdelivery comes
 * from control/defaultdelivery ({@code ./Maildir/}), maxhops and timeoutprogram from control/ too. The message is
 * read from the body store by each instruction that needs it.
 */
public final class LocalDelivery {
    private static final Duration MBOX_LOCK_WAIT = Duration.ofSeconds(30); // MBOX-02

    private final Controls controls;
    private final MaildirWriter maildir;
    private final MboxWriter mbox = new MboxWriter(MBOX_LOCK_WAIT);
    private final Injector injector;
    private final BodyStore bodies;
    private final Map<String, String> programs;
    private final Lists lists;
    private final UnsubscribeFields unsubscribeFields;

    public LocalDelivery(Controls controls, MaildirWriter maildir, Injector injector, BodyStore bodies) {
        this.controls = controls;
        this.maildir = maildir;
        this.injector = injector;
        this.bodies = bodies;
        this.programs = QuailPrograms.environment(controls.home().root(), System.getenv());
        this.lists = Lists.of(controls.home().root());
        this.unsubscribeFields = new UnsubscribeFields(lists);
    }

    public Outcome deliver(Delivery job) {
        String address = job.address();
        int at = address.lastIndexOf('@');
        if (at < 0) return new Outcome.Failure("Sorry, address must include host name. (#5.1.3)");
        String local = address.substring(0, at);
        if (local.isEmpty()) return new Outcome.Success("Trashed: empty local part. (#2.0.0)");
        Controls.Snapshot config = controls.current();
        Optional<String> serial = config.control().serialhosts().ofAddress(address);
        if (serial.isPresent()) return keep(job, serial.get(), local, address.substring(at + 1), config);
        Optional<Lists.Target> list = lists.find(address);
        if (list.isPresent()) {
            return new ListDelivery(injector, Instant::now, "postmaster@" + config.control().me())
                    .deliver(list.get(), job.messageId(), job.sender(),
                            new BufferedInputStream(job.body().open(bodies), BodyStore.CHUNK));
        }
        Optional<Assignment> found =
                LocalMailbox.assignment(config.assign(), QuailHome.of(controls.home().root()).alias(), local);
        if (found.isEmpty()) return new Outcome.Failure(QmailLocal.NO_MAILBOX + "\n");
        Assignment a = found.get();
        QmailLocal.Job run = new QmailLocal.Job(job.messageId(), a.user(), a.home(), local, a.dash(), a.ext(),
                address.substring(at + 1), job.sender(), config.control().defaultdelivery(), job.body(),
                config.control().limits(), listFields(job.sender(), address));
        return new QmailLocal(maildir, mbox, injector, bodies, programs).deliver(run);
    }

    /**
     * serialmail: a serialhosts domain's mail is kept in its Maildir for its host to pick up, by qmail-local as for
     * a mailbox whose home is serialmail/ and whose delivery is {@code ./DOMAIN/}, so the Return-Path and Delivered-To
     * lines on top carry the envelope to the push ({@link dev.quail.engine.serial.SerialMaildir}).
     */
    private Outcome keep(Delivery job, String domain, String local, String host, Controls.Snapshot config) {
        Path home = QuailHome.of(controls.home().root()).serialmail();
        try {
            Files.createDirectories(home);
            if (!Maildir.isMaildir(home.resolve(domain))) Maildir.make(home.resolve(domain));
        } catch (FileAlreadyExistsException raced) {
            // another delivery made it meanwhile
        } catch (IOException e) {
            return new Outcome.Deferral("Unable to make the serialmail maildir for " + domain + ": " + e.getMessage()
                    + " (#4.3.0)\n");
        }
        QmailLocal.Job run = new QmailLocal.Job(job.messageId(), "serialmail", home, local, "", "", host, job.sender(),
                "./" + domain + "/\n", job.body(), config.control().limits(),
                listFields(job.sender(), job.address()));
        return new QmailLocal(maildir, mbox, injector, bodies, programs).deliver(run);
    }

    /**
     * A list member's List-Unsubscribe fields when this is a list post to them, as remote delivery adds them;
     * octet for octet (ISO-8859-1 keeps each byte), for the header the delivery writes. A list whose key cannot
     * be read gives none: the post still arrives, without its one-click link.
     */
    private String listFields(String sender, String address) {
        try {
            return unsubscribeFields.fields(sender, List.of(address))
                    .map(f -> new String(f, StandardCharsets.ISO_8859_1)).orElse("");
        } catch (IOException e) {
            return "";
        }
    }
}
