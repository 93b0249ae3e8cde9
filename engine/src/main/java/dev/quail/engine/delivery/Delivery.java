package dev.quail.engine.delivery;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * One delivery job, as qmail-send hands it to a spawner (SPAWN-02): which message, which recipient, the envelope
 * sender to use for it, and where to report. The body travels by reference: the message actor holds it anyway.
 */
public record Delivery(
        String messageId, int recipient, String sender, String address, byte[] body,
        ActorRef<DeliveryResult> replyTo) {}
