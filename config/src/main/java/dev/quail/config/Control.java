/*
 * An immutable snapshot of every control setting of one Quail home (home/control/*), with qmail's defaults
 * applied (CTL table in QMAIL-REFERENCE §4; the same table is in {@link Settings}). Reading rules are
 * those of {@link ControlFiles}: a missing file gives the default, an unreadable one fails the load.
 * CTL-05: `me` is the fallback for the host-name settings.
 *
 * Quail departures:
 *  - me missing ⇒ "localhost" (the engine writes control/me at first start; qmail would refuse to run).
 *    Because of this, qmail's literal fallbacks (`bouncehost`, `envnoathost`...) never apply.
 *  - rcpthosts missing ⇒ only locals, the virtualdomains and the serialhosts domains are accepted, never every domain
 *    (CTL-06 is qmail's open-relay weakness). morercpthosts is a plain list file (no cdb) and is consulted
 *    whether or not rcpthosts exists.
 *  - qmqpservers (qmail-qmqpc's, QMQP-00) also takes IP:PORT and [IPv6]:PORT, for a hub on another port.
 *  - relayclients and dnsservers are Quail files (see {@link RelayClients}, {@link DnsServers}).
 *  - clients (Quail) holds the per-client rules tcprules gave qmail-smtpd ({@link Clients}: RELAYCLIENT, DATABYTES,
 *    SMTPGREETING, deny); serialhosts (Quail) the domains kept for serialmail pick-up ({@link SerialHosts}).
 *  - proxyclients (Quail) lists the load balancers whose PROXY protocol headers are believed (with `quail start
 *    --proxy-protocol`), in relayclients' format; missing ⇒ 127.0.0.1 and ::1, a balancer on the same host.
 *  - tlsdestinations (Quail; qmail's TLS patch has tlsdestinations with another format) lists the recipient
 *    domains that get mail only over TLS, as rcpthosts lists domains ({@link HostList}: `domain` or `.suffix`).
 *  - defaultdelivery holds what qmail gets as qmail-start's argument (the delivery for a mailbox without a
 *    .qmail file, DQ-12), in .qmail syntax, one instruction per line; missing or without instructions ⇒
 *    `./Maildir/` (Quail's mailboxes are Maildirs).
 *  - timeoutsmtpd 0 ⇒ 1 as qmail; concurrency has no compile-time cap (qmail's conf-spawn).
 *  - databytes defaults to Postfix's 10240000, not qmail's unlimited: a limit every Postfix user expects, and
 *    one fewer way to fill a disk. 0 still means unlimited (memory is bounded either way).
 *  - qmailqueue (Quail; qmail's QMAILQUEUE variable, which tcpserver set for qmail-smtpd) names the program the
 *    SMTP, QMTP and QMQP front ends run in qmail-queue's place.
 *  - the bounds qmail kept in code or left to tcpserver are settings too ({@link Limits}).
 *  - shaping and responses (Quail) are the per-site delivery limits and the reply rules that suspend or throttle
 *    a site ({@link Shaping}, {@link Responses}); without control/responses the shipped rules apply.
 */
package dev.quail.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

public record Control(
        String me,
        Set<String> locals,
        HostList rcpthosts,
        HostList morercpthosts,
        BadMailFrom badmailfrom,
        long databytes,
        long timeoutsmtpd,
        long timeoutconnect,
        long timeoutremote,
        int concurrencylocal,
        int concurrencyremote,
        long queuelifetime,
        String smtpgreeting,
        String defaultdomain,
        String defaulthost,
        String plusdomain,
        String idhost,
        String envnoathost,
        String helohost,
        String localiphost,
        String bouncefrom,
        String bouncehost,
        String doublebounceto,
        String doublebouncehost,
        Set<String> percenthack,
        VirtualDomains virtualdomains,
        Routes smtproutes,
        DnsServers dnsservers,
        RelayClients relayclients,
        String defaultdelivery,
        HostList tlsdestinations,
        Routes qmtproutes,
        RelayClients qmqpclients,
        List<String> qmqpservers,
        RelayClients proxyclients,
        String checkpassword,
        String qmailqueue,
        long bouncemaxbytes,
        Shaping shaping,
        Responses responses,
        DkimDomains dkimdomains,
        Clients clients,
        SerialHosts serialhosts,
        Limits limits) {

    public static final String DEFAULT_ME = "localhost";
    public static final long DEFAULT_DATABYTES = 10_240_000;
    public static final long DEFAULT_BOUNCEMAXBYTES = 50000;
    public static final long DEFAULT_TIMEOUTSMTPD = 1200;
    public static final long DEFAULT_TIMEOUTCONNECT = 60;
    public static final long DEFAULT_TIMEOUTREMOTE = 1200;
    public static final int DEFAULT_CONCURRENCYLOCAL = 10;
    public static final int DEFAULT_CONCURRENCYREMOTE = 20;
    public static final long DEFAULT_QUEUELIFETIME = 604800;
    public static final String DEFAULT_BOUNCEFROM = "MAILER-DAEMON";
    public static final String DEFAULT_DOUBLEBOUNCETO = "postmaster";
    public static final String DEFAULT_DEFAULTDELIVERY = "./Maildir/";
    public static final List<String> DEFAULT_PROXYCLIENTS = List.of("127.0.0.1", "::1");

    public Control {
        locals = Set.copyOf(locals);
        percenthack = Set.copyOf(percenthack);
        qmqpservers = List.copyOf(qmqpservers);
    }

    public static Control load(Path home) throws IOException {
        Dir files = new Dir(QuailHome.of(home).control());
        String me = files.line("me", DEFAULT_ME);
        Set<String> locals = lowered(files.list("locals", List.of(me)));
        VirtualDomains virtualdomains = new VirtualDomains(files.map("virtualdomains"));
        SerialHosts serialhosts = SerialHosts.parse(files.list("serialhosts"));
        Set<String> ownDomains = new LinkedHashSet<>(locals);
        ownDomains.addAll(virtualdomains.acceptedDomains());
        ownDomains.addAll(serialhosts.domains());
        return new Control(
                me,
                locals,
                HostList.of(files.list("rcpthosts", List.copyOf(ownDomains))),
                HostList.of(files.list("morercpthosts")),
                new BadMailFrom(Set.copyOf(files.list("badmailfrom"))),
                files.number("databytes", DEFAULT_DATABYTES),
                Math.max(1, files.number("timeoutsmtpd", DEFAULT_TIMEOUTSMTPD)),
                files.number("timeoutconnect", DEFAULT_TIMEOUTCONNECT),
                files.number("timeoutremote", DEFAULT_TIMEOUTREMOTE),
                files.count("concurrencylocal", DEFAULT_CONCURRENCYLOCAL),
                files.count("concurrencyremote", DEFAULT_CONCURRENCYREMOTE),
                files.number("queuelifetime", DEFAULT_QUEUELIFETIME),
                files.line("smtpgreeting", me),
                files.line("defaultdomain", me),
                files.line("defaulthost", me),
                files.line("plusdomain", me),
                files.line("idhost", me),
                files.line("envnoathost", me),
                files.line("helohost", me),
                files.line("localiphost", me),
                files.line("bouncefrom", DEFAULT_BOUNCEFROM),
                files.line("bouncehost", me),
                files.line("doublebounceto", DEFAULT_DOUBLEBOUNCETO),
                files.line("doublebouncehost", me),
                lowered(files.list("percenthack")),
                virtualdomains,
                new Routes(files.map("smtproutes")),
                DnsServers.parse(files.list("dnsservers")),
                RelayClients.parse(files.list("relayclients")),
                defaultDelivery(files.list("defaultdelivery")),
                HostList.of(files.list("tlsdestinations")),
                new Routes(files.map("qmtproutes"), Routes.QMTP_PORT),
                RelayClients.parse(files.list("qmqpclients")),
                files.list("qmqpservers"),
                RelayClients.parse(files.list("proxyclients", DEFAULT_PROXYCLIENTS)),
                files.line("checkpassword", ""),
                files.line("qmailqueue", ""),
                files.number("bouncemaxbytes", DEFAULT_BOUNCEMAXBYTES),
                Shaping.parse(files.list("shaping")),
                Responses.parse(files.list("responses", Responses.SHIPPED)),
                new DkimDomains(files.map("dkimdomains")),
                Clients.parse(files.list("clients")),
                serialhosts,
                Limits.load(files::number));
    }

    private static String defaultDelivery(List<String> lines) {
        return lines.isEmpty() ? DEFAULT_DEFAULTDELIVERY : String.join("\n", lines) + "\n";
    }

    private static Set<String> lowered(List<String> entries) {
        Set<String> set = new LinkedHashSet<>();
        for (String e : entries) set.add(Ascii.lower(e));
        return set;
    }

    /** Shorthands over one control directory, so load() reads as the settings table. */
    private record Dir(Path dir) {
        String line(String name, String dflt) throws IOException {
            return ControlFiles.line(dir.resolve(name), dflt);
        }

        long number(String name, long dflt) throws IOException {
            return ControlFiles.number(dir.resolve(name), dflt);
        }

        int count(String name, int dflt) throws IOException {
            return (int) Math.min(Integer.MAX_VALUE, ControlFiles.number(dir.resolve(name), dflt));
        }

        List<String> list(String name) throws IOException {
            return ControlFiles.list(dir.resolve(name));
        }

        List<String> list(String name, List<String> dflt) throws IOException {
            return ControlFiles.list(dir.resolve(name), dflt);
        }

        Map<String, String> map(String name) throws IOException {
            return ControlFiles.map(dir.resolve(name));
        }
    }
}
