/*
 * QueueResult: the queue's answer to a Submit, in qmail-queue's three outcomes (QQ-05):
 * accepted and durable, temporary failure (Z, 451), permanent failure (D, 554).
 * Temporary and Permanent texts follow the reply code verbatim, so they should carry their own
 * enhanced status code, e.g. "4.3.0 qq write error (#4.3.0)".
 */
package dev.quail.protocols.smtp;

public sealed interface QueueResult {

  /** Journalled (fsync'd); the client gets "250 2.0.0 ok <unixtime> qp <id>". */
  record Queued(String id) implements QueueResult {}

  /** The client gets "451 <text>" and may retry. */
  record Temporary(String text) implements QueueResult {}

  /** The client gets "554 <text>" and must not retry. */
  record Permanent(String text) implements QueueResult {}
}
