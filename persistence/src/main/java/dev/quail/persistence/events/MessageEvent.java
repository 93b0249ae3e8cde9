/*
 * MessageEvent: what the journal records about one queued message, the
 * counterpart of qmail's queue files (QMAIL-REFERENCE §2). Accepted replaces
 * mess/ + info/ + local/ + remote/ (written, fsync'd, before the client gets its
 * 250); Delivered/Failed replace marking a recipient line done, Deferred
 * keeps it pending; RetryScheduled records the next try of a channel;
 * BounceQueued records that the bounce is itself durably queued, so the message
 * can end; Held records `quail queue hold|release` (Postfix's postsuper -h/-H), which qmail lacks;
 * Rejuvenated records `quail queue rejuvenate`.
 * Recipients are referred to by their index in Accepted.
 *
 * Serialized by MessageEventSerializer (bound in reference.conf).
 */
package dev.quail.persistence.events;

import dev.quail.persistence.body.Body;
import java.util.List;
import java.util.Objects;

public sealed interface MessageEvent {
    /**
     * First event: written (fsync'd) before the client gets 250. body = where the stored message is (incl. the
     * Received line, LF line ends): its chunks in the body store, its tail in this event.
     */
    record Accepted(String id, long birthMillis, String sender, List<Recipient> recipients, Body body,
            String origin) implements MessageEvent {
        public Accepted {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(sender, "sender");
            recipients = List.copyOf(recipients);
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(origin, "origin");
        }

        @Override
        public String toString() {
            return "Accepted[id=" + id + ", birthMillis=" + birthMillis + ", sender=<" + sender + ">, recipients="
                    + recipients + ", body=" + body + ", origin=" + origin + "]";
        }
    }

    /** Recipient {@code recipient} (index into Accepted.recipients) was delivered. */
    record Delivered(int recipient, String report) implements MessageEvent {
    }

    /** Recipient {@code recipient} failed permanently: it goes into the bounce. */
    record Failed(int recipient, String report) implements MessageEvent {
    }

    /** Recipient {@code recipient} failed temporarily: it will be retried. */
    record Deferred(int recipient, String report) implements MessageEvent {
    }

    /** The next delivery attempt of {@code channel} is due at {@code atMillis}. */
    record RetryScheduled(Channel channel, long atMillis) implements MessageEvent {
    }

    /** The bounce for this message is durably queued as message {@code bounceId}. */
    record BounceQueued(String bounceId) implements MessageEvent {
    }

    /** An admin put the message on hold ({@code held}) or released it: held messages are not delivered. */
    record Held(boolean held) implements MessageEvent {
    }

    /**
     * Q-46, `quail queue rejuvenate` (qmail: touch info/ID): the message's lifetime and retry schedule start again
     * at {@code birthMillis}, and every channel with pending recipients is due then.
     */
    record Rejuvenated(long birthMillis) implements MessageEvent {
    }
}
