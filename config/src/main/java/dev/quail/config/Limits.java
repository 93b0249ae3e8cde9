/*
 * The bounds that make Quail's memory and time a budget rather than a consequence of traffic: what qmail left
 * to tcpserver (-c), to compile-time constants or to nothing. Each is a control file of its own name holding one
 * number, listed with its default and meaning in {@link Settings}. Times are in seconds, sizes in bytes.
 *
 * concurrencyincoming   connections one listener serves at once (tcpserver -c; Postfix's process limit)
 * concurrencyperip      connections from one client address to one listener
 * datarate              slowest average a DATA (or a QMTP/QMQP package) may arrive at, over any timeoutsmtpd window
 * lifetimesmtpd         the longest an SMTP, QMTP, QMQP or POP3 session may last, whatever it does
 * timeoutstress         the idle and command timeout that replaces the usual ones while a listener is nearly full
 * timeoutpop3d          seconds a POP3 client may stay silent
 * maxrecipients         RCPTs accepted in one transaction (QMTP: recipients queued from one package)
 * maxhops               Received/Delivered-To header lines that mark a message as looping
 * authfailures          failed SMTP AUTH or POP3 logins from one address in a minute before its attempts are refused
 * checkrcpt             1: a local or virtual-domain recipient without a mailbox is refused at RCPT (550 5.1.1);
 *                       0: accepted and bounced later, as qmail-smtpd did
 * unknownrcpts          unknown local recipients one address may try in a minute; its next local RCPT ends the
 *                       session with 421 (a dictionary attack's brake)
 * timeoutqmailqueue     seconds control/qmailqueue's program may take for one message
 * maxlive               Message actors alive at once (being delivered or about to be)
 * livebytes             message bytes those live actors may hold at once
 * timeoutreuse          seconds an idle outbound SMTP connection is kept for the next message to its destination
 * timeouttransaction    seconds one outbound transaction may take from MAIL to the final reply, however the
 *                       remote server trickles its answers
 * timeoutprogram        seconds a |program delivery may run before it is killed and the delivery deferred
 * timeoutcheckpassword  seconds a checkpassword program may take
 * timeoutresult         seconds a Message waits for the result of a delivery it handed out before it defers the
 *                       recipient: the safety net for an answer lost to a crash, not a delivery timeout
 * queueminfree          free bytes the queue's file system must keep; below it new mail is refused (4xx) so
 *                       that checkpoints of mail already accepted still fit
 * timeoutshutdown       seconds a graceful stop lets deliveries in flight finish
 * httploopbackopen      1: the admin listener's /healthz, /readyz and /metrics answer loopback clients without
 *                       credentials (a local Prometheus or health check); 0: they need them like every other path
 */
package dev.quail.config;

import java.io.IOException;

public record Limits(
        int concurrencyincoming,
        int concurrencyperip,
        long datarate,
        long lifetimesmtpd,
        long timeoutstress,
        long timeoutpop3d,
        int maxrecipients,
        int maxhops,
        int authfailures,
        boolean checkrcpt,
        int unknownrcpts,
        long timeoutqmailqueue,
        int maxlive,
        long livebytes,
        long timeoutreuse,
        long timeouttransaction,
        long timeoutprogram,
        long timeoutcheckpassword,
        long timeoutresult,
        long queueminfree,
        long timeoutshutdown,
        int httploopbackopen) {

    public static final int DEFAULT_CONCURRENCYINCOMING = 400;
    public static final int DEFAULT_CONCURRENCYPERIP = 20;
    public static final long DEFAULT_DATARATE = 1024;
    public static final long DEFAULT_LIFETIMESMTPD = 3600;
    public static final long DEFAULT_TIMEOUTSTRESS = 10;
    public static final long DEFAULT_TIMEOUTPOP3D = 1200;
    public static final int DEFAULT_MAXRECIPIENTS = 100;
    public static final int DEFAULT_MAXHOPS = 100;
    public static final int DEFAULT_AUTHFAILURES = 10;
    public static final int DEFAULT_CHECKRCPT = 1;
    public static final int DEFAULT_UNKNOWNRCPTS = 10;
    public static final long DEFAULT_TIMEOUTQMAILQUEUE = 300;
    public static final int DEFAULT_MAXLIVE = 2000;
    public static final long DEFAULT_LIVEBYTES = 64L << 20;
    public static final long DEFAULT_TIMEOUTREUSE = 10;
    public static final long DEFAULT_TIMEOUTTRANSACTION = 1200;
    public static final long DEFAULT_TIMEOUTPROGRAM = 1000;
    public static final long DEFAULT_TIMEOUTCHECKPASSWORD = 60;
    public static final long DEFAULT_TIMEOUTRESULT = 7200;
    public static final long DEFAULT_QUEUEMINFREE = 16L << 20;
    public static final long DEFAULT_TIMEOUTSHUTDOWN = 30;
    public static final int DEFAULT_HTTPLOOPBACKOPEN = 0;

    /** Reads one numeric control file, giving {@code dflt} when it is missing. */
    @FunctionalInterface
    interface Numbers {
        long number(String name, long dflt) throws IOException;
    }

    /** The limits with every default: what a home without these control files gets. */
    public static Limits defaults() {
        try {
            return load((name, dflt) -> dflt);
        } catch (IOException impossible) {
            throw new AssertionError(impossible);
        }
    }

    static Limits load(Numbers files) throws IOException {
        return new Limits(
                count(files, "concurrencyincoming", DEFAULT_CONCURRENCYINCOMING),
                count(files, "concurrencyperip", DEFAULT_CONCURRENCYPERIP),
                files.number("datarate", DEFAULT_DATARATE),
                atLeastOne(files, "lifetimesmtpd", DEFAULT_LIFETIMESMTPD),
                atLeastOne(files, "timeoutstress", DEFAULT_TIMEOUTSTRESS),
                atLeastOne(files, "timeoutpop3d", DEFAULT_TIMEOUTPOP3D),
                Math.max(1, count(files, "maxrecipients", DEFAULT_MAXRECIPIENTS)),
                Math.max(1, count(files, "maxhops", DEFAULT_MAXHOPS)),
                Math.max(1, count(files, "authfailures", DEFAULT_AUTHFAILURES)),
                files.number("checkrcpt", DEFAULT_CHECKRCPT) != 0,
                Math.max(1, count(files, "unknownrcpts", DEFAULT_UNKNOWNRCPTS)),
                atLeastOne(files, "timeoutqmailqueue", DEFAULT_TIMEOUTQMAILQUEUE),
                Math.max(1, count(files, "maxlive", DEFAULT_MAXLIVE)),
                atLeastOne(files, "livebytes", DEFAULT_LIVEBYTES),
                files.number("timeoutreuse", DEFAULT_TIMEOUTREUSE),
                atLeastOne(files, "timeouttransaction", DEFAULT_TIMEOUTTRANSACTION),
                atLeastOne(files, "timeoutprogram", DEFAULT_TIMEOUTPROGRAM),
                atLeastOne(files, "timeoutcheckpassword", DEFAULT_TIMEOUTCHECKPASSWORD),
                atLeastOne(files, "timeoutresult", DEFAULT_TIMEOUTRESULT),
                files.number("queueminfree", DEFAULT_QUEUEMINFREE),
                files.number("timeoutshutdown", DEFAULT_TIMEOUTSHUTDOWN),
                files.number("httploopbackopen", DEFAULT_HTTPLOOPBACKOPEN) == 1 ? 1 : 0);
    }

    private static int count(Numbers files, String name, int dflt) throws IOException {
        return (int) Math.min(Integer.MAX_VALUE, files.number(name, dflt));
    }

    /** A time or size of 0 would mean "at once" or "nothing": like qmail's timeoutsmtpd, 0 means 1. */
    private static long atLeastOne(Numbers files, String name, long dflt) throws IOException {
        return Math.max(1, files.number(name, dflt));
    }
}
