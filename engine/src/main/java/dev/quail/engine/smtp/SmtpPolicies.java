package dev.quail.engine.smtp;

import dev.quail.config.Clients;
import dev.quail.config.Control;
import dev.quail.config.IpLiteral;
import dev.quail.config.Limits;
import dev.quail.config.RelayPolicy;
import dev.quail.engine.Controls;
import dev.quail.engine.LocalAddresses;
import dev.quail.engine.serial.SerialPickup;
import dev.quail.protocols.smtp.Etrn;
import dev.quail.protocols.smtp.Deadlines;
import dev.quail.protocols.smtp.SmtpPolicy;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Turns the control files into the policy one SMTP session obeys: qmail-smtpd's greeting, databytes,
 * badmailfrom and rcpthosts/relayclients decision, with control/clients' rule for the client in tcprules' place
 * (SMTP-21: its RELAYCLIENT, else "" for a client relayclients lists; its DATABYTES and SMTPGREETING over the
 * files'), ETRN where serialhosts keeps mail, plus the modern bounds qmail lacked: maxrecipients RCPTs per
 * transaction (RFC 5321 §4.5.3.1.8's minimum of 100 by default; the next gets 452) and maxhops Received /
 * Delivered-To lines that make a message a loop (SMTP-33).
 */
public final class SmtpPolicies {
    private static final LocalAddresses LOCAL_ADDRESSES = new LocalAddresses();

    private SmtpPolicies() {}

    /**
     * {@code storageLow}: whether the queue's disk is too full for new mail (MAIL and RCPT then get 452);
     * {@code recipients}: whether a local recipient has a mailbox (SEC-06).
     */
    public static SmtpPolicy forClient(Controls.Snapshot snapshot, InetAddress client, BooleanSupplier storageLow,
                                       RecipientCheck recipients, SerialPickup serial) {
        Control c = snapshot.control();
        RelayPolicy relay = new RelayPolicy(c);
        Clients.Rule rule = c.clients().of(client);
        Optional<String> relayClient = rule.relayClient()
                .or(() -> relay.isRelayClient(client) ? Optional.of("") : Optional.empty());
        Optional<Function<String, Etrn>> etrn = serial.keepsMail(c)
                ? Optional.of(node -> serial.etrn(node, client)) : Optional.empty();
        return new SmtpPolicy(rule.greeting().orElse(c.smtpgreeting()), c.me(), rule.databytes().orElse(c.databytes()),
                c.limits().maxrecipients(), c.limits().maxhops(), recipient -> relay.accepts(client, recipient),
                c.badmailfrom()::matches, storageLow, recipient -> localIpHost(c, recipient),
                recipient -> recipients.check(snapshot, client, recipient), relayClient, etrn);
    }

    /**
     * SMTP-12: user@[IP] (or [IPv6:...]) where IP is one of this host's interfaces (qmail's ipme) is
     * user@localiphost, so that it is local, relayable and checked like any local address.
     */
    static String localIpHost(Control c, String recipient) {
        int at = recipient.lastIndexOf('@');
        String host = recipient.substring(at + 1);
        if (at < 0 || !host.startsWith("[") || !host.endsWith("]")) return recipient;
        String literal = host.substring(1, host.length() - 1);
        if (literal.regionMatches(true, 0, "IPv6:", 0, 5)) literal = literal.substring(5); // RFC 5321 4.1.3
        Optional<InetAddress> ip = IpLiteral.parse(literal);
        if (ip.isEmpty() || !LOCAL_ADDRESSES.test(ip.get())) return recipient;
        return recipient.substring(0, at + 1) + c.localiphost();
    }

    /**
     * The deadlines of a session on an SMTP, QMTP or QMQP listener: timeoutsmtpd idle and per command line (never
     * longer than timeoutstress under stress), datarate over a timeoutsmtpd window, lifetimesmtpd.
     */
    public static Deadlines.Timing timing(Controls.Snapshot snapshot) {
        Control c = snapshot.control();
        Limits l = c.limits();
        return new Deadlines.Timing(Duration.ofSeconds(c.timeoutsmtpd()),
                Duration.ofSeconds(Math.min(c.timeoutsmtpd(), l.timeoutstress())), l.datarate(),
                Duration.ofSeconds(l.lifetimesmtpd()));
    }

    /**
     * sendmail -bs: a local user, trusted as qmail trusts it (RELAYCLIENT set, DATABYTES=0; SM-01): its mail to a
     * local address without a mailbox bounces, as qmail's did. A full disk shows when the maildrop file cannot be
     * written (exit 111), not before.
     */
    public static SmtpPolicy forLocalUser(Controls.Snapshot snapshot) {
        Control c = snapshot.control();
        return new SmtpPolicy(c.smtpgreeting(), c.me(), 0, c.limits().maxrecipients(), c.limits().maxhops(),
                recipient -> true, c.badmailfrom()::matches, () -> false, recipient -> localIpHost(c, recipient),
                recipient -> SmtpPolicy.Mailbox.KNOWN, Optional.of(""), Optional.empty());
    }
}
