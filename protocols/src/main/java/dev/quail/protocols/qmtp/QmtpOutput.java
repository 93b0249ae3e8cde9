/*
 * QmtpOutput: what a QMTP or QMQP server session asks its I/O edge to do, in order.
 *
 * Reply   write these bytes (one or more netstrings).
 * Store   the next piece (at most MessagePieces.PIECE octets) of the message being read, in order: the Received
 *         line then the message in LF form. The first Store of a message starts it; the edge writes each piece to
 *         the body store before it reads on.
 * Discard the message being read will not be queued (too big, a refused sender, no acceptable recipient, bad
 *         input): forget its pieces. No Store of it follows.
 * Submit  the message whose pieces were stored is complete: hand it to the queue with this envelope; answer with
 *         the session's queued(QueueResult). Strings carry raw octets (ISO-8859-1).
 * Close   end the connection once the earlier replies are written; {@code reason} is for the log, never sent.
 */
package dev.quail.protocols.qmtp;

import java.util.List;

public sealed interface QmtpOutput {

    record Reply(byte[] bytes) implements QmtpOutput {}

    record Store(byte[] piece) implements QmtpOutput {}

    record Discard() implements QmtpOutput {}

    record Submit(String sender, List<String> recipients) implements QmtpOutput {
        public Submit {
            recipients = List.copyOf(recipients);
        }
    }

    record Close(String reason) implements QmtpOutput {}
}
