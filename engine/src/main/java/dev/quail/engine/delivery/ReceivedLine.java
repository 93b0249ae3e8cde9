package dev.quail.engine.delivery;

import com.sun.security.auth.module.UnixSystem;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * QQ-02, SMTP-41: the line qmail-queue puts on top of every message it queues, in Quail's words: {@code Received:
 * (quail N invoked HOW); DATE}, DATE in GMT with {@code -0000} and the day without a leading zero. Every
 * way into the queue adds exactly one, as every qmail program queued through qmail-queue:
 * <ul>
 * <li>{@code invoked from network}: SMTP, QMTP and QMQP, on top of the front end's own Received line; N is the
 *     queue id, which the log lines name too;</li>
 * <li>{@code invoked for bounce}: qmail-send's bounces; N the bounce's queue id;</li>
 * <li>{@code invoked by uid U}: a forward from a .qmail file (N the queue id, U the server's uid), and a program
 *     on the host (quail inject, sendmail, bin/qmail-queue, the .qmail helpers, qmail-qmqpc), whose N is its
 *     process id, as qmail-queue's: the queue id is drawn later, by the server.</li>
 * </ul>
 * "quail" rather than "qmail", so that a reader of the header knows which software queued the message.
 */
public final class ReceivedLine {
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss '-0000'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** How the message came to be queued. */
    public enum Invoked {
        FROM_NETWORK("invoked from network"),
        FOR_BOUNCE("invoked for bounce"),
        BY_UID("invoked by uid " + new UnixSystem().getUid());

        private final String text;

        Invoked(String text) {
            this.text = text;
        }
    }

    private ReceivedLine() {}

    public static byte[] of(String n, Invoked how, Instant now) {
        return ("Received: (quail " + n + " " + how.text + "); " + DATE.format(now) + "\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The line of a program on the host: N is its process id. */
    public static byte[] ofThisProgram(Instant now) {
        return of(Long.toString(ProcessHandle.current().pid()), Invoked.BY_UID, now);
    }
}
