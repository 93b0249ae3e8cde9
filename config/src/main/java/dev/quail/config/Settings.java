/*
 * The single table of every control setting, in the spirit of qmail-control(5): showctl and the README are
 * generated from it, so the documentation cannot drift from the defaults {@link Control} applies.
 * "(Quail)" marks files and behaviours that are not qmail's.
 */
package dev.quail.config;

import java.util.List;

public final class Settings {
    private static final String ME = "me";

    private static final List<Setting> ALL = List.of(
            new Setting("me", Control.DEFAULT_ME + " (Quail: written at first start)", "all",
                    "this host's fully-qualified name; fallback for the host-name settings"),
            new Setting("badmailfrom", "none", "SmtpServer",
                    "rejected envelope senders: exact address or @domain"),
            new Setting("bouncefrom", Control.DEFAULT_BOUNCEFROM, "Bouncer", "local part of a bounce's From:"),
            new Setting("bouncehost", ME, "Bouncer", "host of a bounce's From: and of its greeting line"),
            new Setting("concurrencylocal", String.valueOf(Control.DEFAULT_CONCURRENCYLOCAL), "LocalSpawn",
                    "parallel local deliveries (0 = hold)"),
            new Setting("concurrencyremote", String.valueOf(Control.DEFAULT_CONCURRENCYREMOTE), "RemoteSpawn",
                    "parallel remote deliveries (0 = hold)"),
            new Setting("databytes", Control.DEFAULT_DATABYTES + " (unlimited)", "SmtpServer, QmtpServer",
                    "largest message accepted, in bytes"),
            new Setting("defaultdelivery", Control.DEFAULT_DEFAULTDELIVERY, "LocalDelivery",
                    "(Quail; qmail-start's argument) delivery for a mailbox without .qmail, in .qmail syntax"),
            new Setting("defaultdomain", ME, "inject",
                    "appended to host names without a dot (Quail: not to a domain in locals)"),
            new Setting("defaulthost", ME, "inject", "added to addresses without a host"),
            new Setting("dnsservers", "none (the system's resolvers)", "RemoteSpawn",
                    "(Quail) DNS servers, one IP or IP:PORT per line"),
            new Setting("doublebouncehost", ME, "Bouncer", "host part of the double-bounce recipient"),
            new Setting("doublebounceto", Control.DEFAULT_DOUBLEBOUNCETO, "Bouncer",
                    "local part of the double-bounce recipient"),
            new Setting("envnoathost", ME, "Queue", "domain appended to envelope recipients without @"),
            new Setting("helohost", ME, "SmtpClient", "name sent in HELO/EHLO"),
            new Setting("idhost", ME, "inject", "host part of generated Message-IDs"),
            new Setting("localiphost", ME, "SmtpServer", "replaces [a.b.c.d] of a local IP in RCPT addresses"),
            new Setting("locals", ME, "Queue", "domains delivered locally"),
            new Setting("morercpthosts", "none", "SmtpServer, QmtpServer",
                    "more rcpthosts entries (Quail: a plain list file, no cdb)"),
            new Setting("percenthack", "none", "Queue", "domains where u%h@domain becomes u@h"),
            new Setting("plusdomain", ME, "inject", "appended to host names ending in +"),
            new Setting("queuelifetime", String.valueOf(Control.DEFAULT_QUEUELIFETIME), "Queue",
                    "seconds a message may stay queued before its last attempt"),
            new Setting("rcpthosts", "locals + virtualdomains (Quail: qmail accepts all)", "SmtpServer, QmtpServer",
                    "domains accepted in RCPT TO; .domain covers subdomains"),
            new Setting("relayclients", "none (nobody relays)", "SmtpServer, QmtpServer",
                    "(Quail) client networks that may relay, one CIDR per line (qmail's RELAYCLIENT)"),
            new Setting("smtpgreeting", ME, "SmtpServer", "text after 220 in the greeting"),
            new Setting("smtproutes", "none", "SmtpClient", "artificial routes domain:relay[:port]"),
            new Setting("timeoutconnect", String.valueOf(Control.DEFAULT_TIMEOUTCONNECT), "SmtpClient",
                    "seconds to wait for a TCP connection"),
            new Setting("timeoutremote", String.valueOf(Control.DEFAULT_TIMEOUTREMOTE), "SmtpClient",
                    "seconds to wait for each SMTP read or write"),
            new Setting("timeoutsmtpd", String.valueOf(Control.DEFAULT_TIMEOUTSMTPD), "SmtpServer",
                    "seconds to wait for each network read or write (0 means 1)"),
            new Setting("tlsdestinations", "none (TLS whenever offered, else in clear)", "SmtpClient",
                    "(Quail) recipient domains (.domain covers subdomains) whose mail is deferred rather than"
                            + " sent without STARTTLS"),
            new Setting("virtualdomains", "none", "Queue", "[user@]domain:prepend virtual routing"),
            new Setting("qmtproutes", "none (everything over SMTP)", "RemoteSpawn",
                    "domain:relay[:port] routes over QMTP, smtproutes' syntax, port 209 by default"),
            new Setting("qmqpclients", "none (QMQP refused to everyone)", "QmqpServer",
                    "(Quail) IPs or CIDRs allowed to submit over QMQP (qmail: tcpserver rules)"),
            new Setting("checkpassword", "none (users/passwords)", "Pop3Server",
                    "command line of a checkpassword program (fd 3 interface) for POP3 logins"),
            new Setting("bouncemaxbytes", String.valueOf(Control.DEFAULT_BOUNCEMAXBYTES), "Bouncer",
                    "(Quail) originals larger than this come back in a bounce with their header only"));

    private Settings() {}

    public static List<Setting> all() {
        return ALL;
    }

    public static String markdownTable() {
        StringBuilder table = new StringBuilder("| file | default | read by | meaning |\n|---|---|---|---|\n");
        for (Setting s : ALL) {
            table.append("| ").append(s.name()).append(" | ").append(s.defaultValue()).append(" | ")
                    .append(s.readBy()).append(" | ").append(s.meaning()).append(" |\n");
        }
        return table.toString();
    }
}
