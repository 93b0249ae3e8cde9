/*
 * Recipient: one envelope recipient of a queued message after address
 * rewriting, with the channel that delivers it. qmail never
 * de-duplicates recipients, so a message may list the same one twice.
 */
package dev.quail.persistence.events;

import java.util.Objects;

public record Recipient(String address, Channel channel) {
    public Recipient {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(channel, "channel");
    }
}
