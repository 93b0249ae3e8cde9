/*
 * QmtpReplies: the K/Z/D texts of qmail-qmtpd (QMTP-04, QMTP-05) and qmail-qmqpd (QMQP-01), kept verbatim with
 * their "(#x.y.z)" codes, the translation of the queue's answer into one of them, and the reasons logged
 * for connections ended without a reply.
 */
package dev.quail.protocols.qmtp;

import dev.quail.protocols.smtp.Deadlines;
import dev.quail.protocols.smtp.QueueResult;

final class QmtpReplies {
    static final String UNACCEPTABLE_SENDER = "Dunacceptable sender (#5.1.7)";
    static final String TOO_BIG = "Dsorry, that message size exceeds my databytes limit (#5.3.4)";
    static final String BAD_RECIPIENT = "Dsorry, I can't handle that recipient (#5.1.3)";
    static final String NOT_RCPTHOST = "Dsorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)";
    static final String TOO_MANY_RECIPIENTS = "Zsorry, too many recipients (#4.5.3)";
    static final String STORAGE_LOW = "Zsorry, insufficient system storage (#4.3.1)";
    static final String BAD_ADDRESS = "Dsorry, I can't accept addresses like that (#5.1.3)";

    /** Why a connection was closed, for the log (QMTP has no reply for it). */
    static final String EVICTED = "closed to make room for a new client";

    private QmtpReplies() {}

    static String expired(Deadlines.Expired expired) {
        return switch (expired) {
            case IDLE -> "timeout";
            case COMMAND -> "command too slow";
            case RATE -> "package too slow";
            case LIFETIME -> "connection too long";
        };
    }

    /** K with qmail's "ok <unixtime> qp <id>", or the queue's own text after Z or D. */
    static String queued(QueueResult result, long unixTime) {
        if (result instanceof QueueResult.Queued queued) return "Kok " + unixTime + " qp " + queued.id();
        if (result instanceof QueueResult.Permanent permanent) return "D" + withoutStatusCode(permanent.text());
        return "Z" + withoutStatusCode(((QueueResult.Temporary) result).text());
    }

    /** The queue's texts start with an SMTP enhanced status code ("4.3.0 qq ..."); QMTP carries only the text. */
    private static String withoutStatusCode(String text) {
        return text.matches("[245]\\.[0-9]{1,3}\\.[0-9]{1,3} .*") ? text.substring(text.indexOf(' ') + 1) : text;
    }
}
