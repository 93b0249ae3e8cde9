package dev.quail.engine.queue;

/** A spawn's report on one {@link Delivery}: qmail's slot byte + K/Z/D report, as a value. */
public record DeliveryResult(int recipient, Outcome outcome) implements Message.Command {}
