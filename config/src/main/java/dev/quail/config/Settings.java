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
                    "parallel remote deliveries (0 = hold); in a cluster, for all nodes together"),
            new Setting("databytes", Control.DEFAULT_DATABYTES + " (Quail: Postfix's; qmail's is 0, unlimited)",
                    "SmtpServer, QmtpServer", "largest message accepted, in bytes (0 = unlimited); advertised in SIZE"),
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
            new Setting("clients", "none (every client allowed, with the files' settings)", "SmtpServer",
                    "(Quail; tcprules' rules) CIDR:allow,VAR=\"value\"... or CIDR:deny per line, the most specific"
                            + " network wins; VAR is RELAYCLIENT (relay, value appended to each recipient), DATABYTES,"
                            + " SMTPGREETING or CONCURRENCYPERIP; deny hears 554 5.7.1 and the connection closes"),
            new Setting("serialhosts", "none (all mail sent when it arrives)", "Queue, SmtpServer, serialsmtp",
                    "(Quail; serialmail) domains whose mail is kept in serialmail/DOMAIN/ (a Maildir) until their"
                            + " host asks with ETRN or quail serialsmtp pushes it"),
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
            new Setting("qmqpservers", "none (qmail-qmqpc exits 55)", "qmail-qmqpc",
                    "QMQP servers a satellite hands its mail to, tried in order: IP (port 628), or (Quail) IP:PORT"),
            new Setting("proxyclients", String.join(" and ", Control.DEFAULT_PROXYCLIENTS), "ProxyProtocol",
                    "(Quail) IPs or CIDRs of the load balancers whose PROXY protocol header names the client, with"
                            + " quail start --proxy-protocol; a connection from elsewhere is closed"),
            new Setting("checkpassword", "none (users/passwords)", "Pop3Server",
                    "command line of a checkpassword program (fd 3 interface) for POP3 logins"),
            new Setting("qmailqueue", "none (Quail queues the message itself)", "SmtpServer, QmtpServer",
                    "(Quail; qmail's QMAILQUEUE) program run in qmail-queue's place for each accepted message: message"
                            + " on fd 0, envelope on fd 1; it queues through bin/qmail-queue, its exit code is the"
                            + " answer (0 ok, 11-40 5xx, else 4xx)"),
            new Setting("bouncemaxbytes", String.valueOf(Control.DEFAULT_BOUNCEMAXBYTES), "Bouncer",
                    "(Quail) originals larger than this come back in a bounce with their header only"),
            new Setting("shaping", "none (each site limited by concurrencyremote only)", "RemoteSpawn, Host",
                    "(Quail) per-site limits, one rule a line: SCOPE key=value ... (default, .mx-suffix or domain;"
                            + " keys connections, messages-per-connection, connection-rate, message-rate,"
                            + " connection-time, mx-fallback, ready-recipients, resume-rate); see below"),
            new Setting("responses", "the shipped provider rules (see below)", "Host, RemoteSpawn",
                    "(Quail) reply rules: /REGEX/ suspend|throttle KEY=VALUE...|bounce [for=DURATION]"
                            + " [after=N/PERIOD] [scope=site|domain]; see below"),
            new Setting("dkimdomains", "none (nothing signed)", "SmtpClient",
                    "(Quail) author domain:selector, .domain for its subdomains: remote mail From that domain is"
                            + " DKIM-signed with control/dkim/DOMAIN/SELECTOR (quail dkim keygen)"),
            quail("concurrencyincoming", Limits.DEFAULT_CONCURRENCYINCOMING, "SmtpServer, QmtpServer, Pop3Server",
                    "connections one listener serves at once (tcpserver -c); one more hears 421 4.7.0, or an idle"
                            + " one makes room"),
            quail("concurrencyperip", Limits.DEFAULT_CONCURRENCYPERIP, "SmtpServer, QmtpServer, Pop3Server",
                    "connections from one client address to one listener; one more hears 421 4.7.0"),
            quail("datarate", Limits.DEFAULT_DATARATE, "SmtpServer, QmtpServer",
                    "slowest average, in bytes a second over any timeoutsmtpd window, a message may arrive at"),
            quail("lifetimesmtpd", Limits.DEFAULT_LIFETIMESMTPD, "SmtpServer, QmtpServer, Pop3Server",
                    "seconds a session may last in all"),
            quail("timeoutstress", Limits.DEFAULT_TIMEOUTSTRESS, "SmtpServer, QmtpServer, Pop3Server, ProxyProtocol",
                    "idle and command timeout while a listener is nearly full (Postfix's stress mode); with"
                            + " --proxy-protocol, also the time a connection has to send its PROXY header"),
            quail("timeoutpop3d", Limits.DEFAULT_TIMEOUTPOP3D, "Pop3Server", "seconds a POP3 client may stay silent"),
            quail("maxrecipients", Limits.DEFAULT_MAXRECIPIENTS, "SmtpServer, QmtpServer",
                    "recipients of one transaction; one more hears 452 4.5.3 (QMTP: Z)"),
            quail("maxhops", Limits.DEFAULT_MAXHOPS, "SmtpServer, LocalDelivery",
                    "Received/Delivered header lines that mark a message as looping (554 5.4.6)"),
            quail("authfailures", Limits.DEFAULT_AUTHFAILURES, "SmtpServer, Pop3Server",
                    "failed logins from one address in a minute before its attempts are refused unchecked"),
            quail("checkrcpt", Limits.DEFAULT_CHECKRCPT, "SmtpServer",
                    "1: RCPT of a local or virtual-domain address no mailbox, alias or .qmail-default would take"
                            + " hears 550 5.1.1; 0: accepted and bounced later, as qmail-smtpd did"),
            quail("unknownrcpts", Limits.DEFAULT_UNKNOWNRCPTS, "SmtpServer",
                    "unknown local recipients (550 5.1.1) one client address may try in a minute; its next local"
                            + " RCPT hears 421 4.7.0 and the connection ends"),
            quail("timeoutqmailqueue", Limits.DEFAULT_TIMEOUTQMAILQUEUE, "SmtpServer, QmtpServer",
                    "seconds the qmailqueue program may take; then it is killed and the message hears 451 qq timeout"),
            quail("maxlive", Limits.DEFAULT_MAXLIVE, "Queue", "messages being delivered (alive) at once"),
            quail("livebytes", Limits.DEFAULT_LIVEBYTES, "Queue", "message bytes the live messages may hold at once"),
            quail("timeoutreuse", Limits.DEFAULT_TIMEOUTREUSE, "RemoteSpawn",
                    "seconds an idle outbound connection waits for the next message to its destination"),
            quail("timeouttransaction", Limits.DEFAULT_TIMEOUTTRANSACTION, "SmtpClient",
                    "seconds one outbound transaction may take in all, however slowly the server answers"),
            quail("timeoutprogram", Limits.DEFAULT_TIMEOUTPROGRAM, "LocalDelivery",
                    "seconds a |program delivery may run; then it is killed and the delivery deferred"),
            quail("timeoutcheckpassword", Limits.DEFAULT_TIMEOUTCHECKPASSWORD, "Pop3Server",
                    "seconds a checkpassword program may take; then the login fails"),
            quail("timeoutresult", Limits.DEFAULT_TIMEOUTRESULT, "Queue",
                    "seconds a message waits for a delivery's answer before deferring it (a safety net)"),
            quail("queueminfree", Limits.DEFAULT_QUEUEMINFREE, "SmtpServer, QmtpServer, Queue",
                    "free bytes the queue's disk keeps for mail already accepted; below it new mail hears 4xx"),
            quail("timeoutshutdown", Limits.DEFAULT_TIMEOUTSHUTDOWN, "Quail",
                    "seconds a graceful stop waits for deliveries in flight"),
            quail("httploopbackopen", Limits.DEFAULT_HTTPLOOPBACKOPEN, "HttpAdmin",
                    "1: /healthz, /readyz and /metrics of the admin listener answer loopback clients without"
                            + " credentials; 0: only signed-in admins and bearer tokens"));

    private Settings() {}

    private static Setting quail(String name, long dflt, String readBy, String meaning) {
        return new Setting(name, String.valueOf(dflt), readBy, "(Quail) " + meaning);
    }

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
