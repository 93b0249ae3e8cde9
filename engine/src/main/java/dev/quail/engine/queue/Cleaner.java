package dev.quail.engine.queue;

import dev.quail.engine.log.MessageLog;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.AbstractPersistentActor;
import org.apache.pekko.persistence.DeleteMessagesFailure;
import org.apache.pekko.persistence.DeleteMessagesSuccess;
import org.apache.pekko.persistence.Recovery;
import org.apache.pekko.persistence.RecoveryCompleted;
import org.apache.pekko.actor.Props;

/**
 * qmail-clean: removes a finished message's events from the journal, so the journal does not grow without bound
 * (its body's chunks go with them). A delete that fails or is lost only means the message is recovered at the next
 * start, finds every recipient done, and is cleaned again: never a loss, never a second delivery.
 *
 * <p>Through Pekko's public API only: deleting events is something a persistent actor does for its own persistence
 * id, so each request is carried out by a short-lived classic persistent actor with that id, which skips recovery
 * (Recovery.none: it has nothing to learn) and deletes up to Long.MAX_VALUE, which Pekko allows without knowing the
 * highest sequence number. Failure policy: the Cleaner keeps no state and is restarted by the Queue; a deleter that
 * fails logs a warning and stops.
 *
 * <p>On a cluster's shared journal a finished message is forgotten instead ({@link #create(Function)}): the JDBC
 * plugin's own delete keeps a marker row per persistence id forever, and the body's chunks are in a table of
 * their own; the shared journal deletes all of it in one transaction.
 */
public final class Cleaner {
    public sealed interface Command {}

    public record Clean(String persistenceId) implements Command {}

    private Cleaner() {}

    public static Behavior<Command> create() {
        return Behaviors.setup(context -> Behaviors.receive(Command.class)
                .onMessage(Clean.class, clean -> {
                    String pid = clean.persistenceId();
                    Adapter.actorOf(context, Props.create(Deleter.class, () -> new Deleter(pid)));
                    return Behaviors.same();
                })
                .build());
    }

    /** A cleaner that hands each finished message's persistence id to {@code forget}. */
    public static Behavior<Command> create(Function<String, CompletionStage<Void>> forget) {
        return Behaviors.receive(Command.class)
                .onMessage(Clean.class, clean -> {
                    forget.apply(clean.persistenceId()).whenComplete((done, failure) -> {
                        if (failure != null) {
                            MessageLog.warning("unable to clean a finished message from the journal: "
                                    + failure.getMessage());
                        }
                    });
                    return Behaviors.same();
                })
                .build();
    }

    /** Deletes every event of one persistence id, then stops. */
    static final class Deleter extends AbstractPersistentActor {
        private final String persistenceId;

        Deleter(String persistenceId) {
            this.persistenceId = persistenceId;
        }

        @Override
        public String persistenceId() {
            return persistenceId;
        }

        @Override
        public Recovery recovery() {
            return Recovery.none();
        }

        @Override
        public Receive createReceiveRecover() {
            return receiveBuilder().match(RecoveryCompleted.class, done -> deleteMessages(Long.MAX_VALUE)).build();
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder()
                    .match(DeleteMessagesSuccess.class, done -> getContext().stop(getSelf()))
                    .match(DeleteMessagesFailure.class, failed -> {
                        MessageLog.warning("unable to clean a finished message from the journal: "
                                + failed.cause().getMessage());
                        getContext().stop(getSelf());
                    })
                    .build();
        }
    }
}
