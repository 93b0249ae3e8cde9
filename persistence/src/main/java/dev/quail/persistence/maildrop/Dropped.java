/*
 * Dropped: one message read back from the maildrop: its file name (usable as a
 * message id), envelope sender ("" for a bounce), recipients and the message bytes.
 */
package dev.quail.persistence.maildrop;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

public record Dropped(String name, String sender, List<String> recipients, byte[] message) {
    public Dropped {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sender, "sender");
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(message, "message");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Dropped that && name.equals(that.name) && sender.equals(that.sender)
                && recipients.equals(that.recipients) && Arrays.equals(message, that.message);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, sender, recipients, Arrays.hashCode(message));
    }

    @Override
    public String toString() {
        return "Dropped[name=" + name + ", sender=<" + sender + ">, recipients=" + recipients + ", message="
                + message.length + " bytes]";
    }
}
