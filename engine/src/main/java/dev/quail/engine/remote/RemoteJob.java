package dev.quail.engine.remote;

import dev.quail.engine.delivery.MessageBody;

import dev.quail.engine.delivery.DeliveryResult;
import java.util.List;
import java.util.Locale;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The remote recipients of one message that are due in one pass, handed to the RemoteSpawn together so that the
 * recipients at one destination go in one SMTP transaction (beyond qmail's one-recipient-per-delivery, as Postfix
 * does). Each target carries its own envelope sender, since VERP gives every recipient a different one; targets
 * with different senders need different transactions. One {@link DeliveryResult} comes back per target.
 */
public record RemoteJob(String messageId, MessageBody body, List<Target> targets, ActorRef<DeliveryResult> replyTo) {
    public record Target(int recipient, String sender, String address) {
        /** The address's domain in lower case; empty without an @. */
        public String domain() {
            int at = address.lastIndexOf('@');
            return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
        }
    }

    public RemoteJob {
        targets = List.copyOf(targets);
    }
}
