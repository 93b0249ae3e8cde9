package dev.quail.engine.queue;

import dev.quail.engine.log.MessageLog;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.DeleteMessagesFailure;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import com.typesafe.config.ConfigFactory;

/**
 * qmail-clean: removes a finished message's entries from the journal, so the journal does not grow without
 * bound. A delete that fails or is lost only means the message is recovered at the next start, finds every
 * recipient done, and is cleaned again: never a loss, never a second delivery.
 */
public final class Cleaner {
    public sealed interface Command {}

    public record Clean(String persistenceId, long toSequenceNr) implements Command {}

    private record JournalReply(Object reply) implements Command {}

    private Cleaner() {}

    public static Behavior<Command> create() {
        return Behaviors.setup(context -> {
            org.apache.pekko.actor.ActorRef journal = Persistence.get(Adapter.toClassic(context.getSystem()))
                    .journalFor("", ConfigFactory.empty());
            ActorRef<Object> replies = context.messageAdapter(Object.class, JournalReply::new);
            org.apache.pekko.actor.ActorRef classicReplies = Adapter.toClassic(replies);
            return Behaviors.receive(Command.class)
                    .onMessage(Clean.class, clean -> {
                        journal.tell(new JournalProtocol.DeleteMessagesTo(
                                clean.persistenceId(), clean.toSequenceNr(), classicReplies), classicReplies);
                        return Behaviors.same();
                    })
                    .onMessage(JournalReply.class, reply -> {
                        if (reply.reply() instanceof DeleteMessagesFailure failure) {
                            MessageLog.warning("unable to clean a finished message from the journal: "
                                    + failure.cause().getMessage());
                        }
                        return Behaviors.same();
                    })
                    .build();
        });
    }
}
