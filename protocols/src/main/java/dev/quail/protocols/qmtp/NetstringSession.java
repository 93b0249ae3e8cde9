/*
 * NetstringSession: a QMTP or QMQP server connection as a pure state machine, for the one I/O edge both share. The
 * edge feeds socket bytes in any chunking and performs the outputs in order; after a Submit it calls queued() with
 * the queue's answer and performs what that returns. Input that arrives while a Submit is out is held by the
 * session and replayed by queued(), so the edge may stop reading meanwhile but need not.
 */
package dev.quail.protocols.qmtp;

import dev.quail.protocols.smtp.QueueResult;
import java.util.List;

public interface NetstringSession {
    List<QmtpOutput> receive(byte[] bytes, int offset, int length);

    List<QmtpOutput> queued(QueueResult result);
}
