/*
 * NetstringSession: a QMTP or QMQP server connection as a pure state machine, for the one I/O edge both share. The
 * edge feeds socket bytes in any chunking and performs the outputs in order; after a Submit it calls queued() with
 * the queue's answer and performs what that returns. Input that arrives while a Submit is out is held by the
 * session and replayed by queued(), so the edge may stop reading meanwhile but need not. The edge ticks it about
 * once a second so that its deadlines (Deadlines: idle, a package's minimum rate, the lifetime) can end it, and
 * asks it to close when the listener needs its slot for a new client.
 */
package dev.quail.protocols.qmtp;

import dev.quail.protocols.smtp.QueueResult;
import java.util.List;

public interface NetstringSession {
    List<QmtpOutput> receive(byte[] bytes, int offset, int length);

    List<QmtpOutput> queued(QueueResult result);

    /** Ends the connection (Close, after a Discard of a message being read) once a deadline has passed. */
    List<QmtpOutput> tick(boolean stressed);

    /** Between packages, nothing awaited: a connection the listener may close to make room. */
    boolean idle();

    /** Ends the connection now: the listener is full and this one was idle the longest. */
    List<QmtpOutput> evict();
}
