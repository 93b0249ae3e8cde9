package dev.quail.engine.delivery;

import dev.quail.protocols.smtp.QueueResult;
import java.io.InputStream;
import java.util.List;

/**
 * qmail-queue as a delivery sees it (forwards from .qmail files, bounces): queue a new message and learn whether
 * it is durably queued. A producer marks its own work done only after that, so a crash in between gives a
 * duplicate, never a loss (DQ-34, BNC-16). The queue implements it; deliveries depend only on this contract.
 */
public interface Injector {
    /**
     * Stores {@code message}, read to its end, under qmail-queue's Received line saying {@code how}, as a new
     * message's body and queues it. Blocks until the queue answers (a failure or a timeout is a Temporary result):
     * call from an I/O thread, never an actor's.
     */
    QueueResult inject(String sender, List<String> recipients, InputStream message, ReceivedLine.Invoked how,
                       String origin);
}
