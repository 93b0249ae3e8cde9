/*
 * QmtpOutput: what a QMTP or QMQP server session asks its I/O edge to do, in order.
 *
 * Reply   write these bytes (one or more netstrings).
 * Submit  hand this message to the queue; answer with the session's queued(QueueResult). The message is the
 *         Received line followed by the message in LF form. Strings carry raw octets (ISO-8859-1).
 * Close   end the connection once the earlier replies are written; {@code reason} is for the log, never sent.
 */
package dev.quail.protocols.qmtp;

import java.util.List;

public sealed interface QmtpOutput {

    record Reply(byte[] bytes) implements QmtpOutput {}

    record Submit(String sender, List<String> recipients, byte[] message) implements QmtpOutput {
        public Submit {
            recipients = List.copyOf(recipients);
        }
    }

    record Close(String reason) implements QmtpOutput {}
}
