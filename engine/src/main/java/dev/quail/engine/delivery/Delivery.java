package dev.quail.engine.delivery;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * One delivery job, as qmail-send hands it to a spawner (SPAWN-02): which message, which recipient, the envelope
 * sender to use for it, the body to stream, and where to report.
 */
public record Delivery(
        String messageId, int recipient, String sender, String address, MessageBody body,
        ActorRef<DeliveryResult> replyTo) {}
