package dev.quail.engine.delivery;

/** A spawn's report on one {@link Delivery}: qmail's slot byte + K/Z/D report, as a value. */
public record DeliveryResult(int recipient, Outcome outcome) {}
