package dev.quail.engine.smtp;

import dev.quail.config.Limits;
import dev.quail.config.Routed;
import dev.quail.config.dotqmail.LocalMailbox;
import dev.quail.engine.Controls;
import dev.quail.engine.RecentFailures;
import dev.quail.engine.lists.Lists;
import dev.quail.protocols.smtp.SmtpPolicy;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Recipient validation at RCPT (SEC-06), which qmail-smtpd never did: a recipient routed to local delivery (locals
 * or a virtual domain, RW-01..05) that {@link LocalMailbox} says no mailbox would take is UNKNOWN (550 5.1.1)
 * instead of accepted and bounced later, to a sender who is usually forged (backscatter). Each unknown one counts
 * against the client's address for a minute; once it has unknownrcpts of them, its next local RCPT, known or not,
 * is GUESSING (421 and the end of the session), so a dictionary attack learns nothing more until it slows down.
 * Remote recipients are never looked up. control/checkrcpt 0 turns all this off (qmail's behaviour). Shared by
 * every SMTP listener of a server; thread-safe.
 */
public final class RecipientCheck {
    private final Path aliasHome;
    private final RecentFailures unknown;
    private final Lists lists;

    /**
     * {@code aliasHome}: the alias mailbox's home, which serves local parts users/assign does not know;
     * {@code lists}: the mailing lists, whose addresses (LIST@, LIST-anything@) are known too.
     */
    public RecipientCheck(Path aliasHome, Lists lists, LongSupplier millis) {
        this.aliasHome = aliasHome;
        this.lists = lists;
        this.unknown = new RecentFailures(millis);
    }

    public SmtpPolicy.Mailbox check(Controls.Snapshot snapshot, InetAddress client, String recipient) {
        Limits limits = snapshot.control().limits();
        if (!limits.checkrcpt()) return SmtpPolicy.Mailbox.KNOWN;
        Routed routed = snapshot.rewriter().route(recipient);
        if (!routed.local() || snapshot.control().serialhosts().ofAddress(routed.address()).isPresent()) {
            return SmtpPolicy.Mailbox.KNOWN; // a serialhosts domain's mail is kept whatever its local part
        }
        if (unknown.recent(client) >= limits.unknownrcpts()) return SmtpPolicy.Mailbox.GUESSING;
        String local = routed.address().substring(0, routed.address().lastIndexOf('@'));
        if (LocalMailbox.accepts(snapshot.assign(), aliasHome, local)) return SmtpPolicy.Mailbox.KNOWN;
        if (lists.find(routed.address()).isPresent()) return SmtpPolicy.Mailbox.KNOWN;
        unknown.attempt(client, limits.unknownrcpts());
        return SmtpPolicy.Mailbox.UNKNOWN;
    }
}
