package dev.quail.engine.delivery;

import dev.quail.protocols.smtp.QueueResult;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * qmail-queue as a delivery sees it (forwards from .qmail files, bounces): submit a new message and learn when it
 * is durably queued. A producer marks its own work done only after that, so a crash in between gives a duplicate,
 * never a loss (DQ-34, BNC-16). The queue implements it; deliveries depend only on this contract.
 */
public interface Injector {
    CompletionStage<QueueResult> inject(String sender, List<String> recipients, byte[] message, String origin);
}
