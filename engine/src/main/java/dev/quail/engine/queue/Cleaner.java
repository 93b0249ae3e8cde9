package dev.quail.engine.queue;

import dev.quail.engine.log.MessageLog;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * qmail-clean: removes a finished message from the journal, so the journal does not grow without bound. A delete
 * that fails or is lost only means the message is recovered at the next start, finds every recipient done, and is
 * cleaned again: never a loss, never a second delivery.
 *
 * <p>It hands each finished message's persistence id to the journal's own {@code forget}, which removes the
 * message's events, snapshots and body chunks at once: the node's LevelDB store deletes them in one batch, a
 * cluster's shared journal in one transaction (the JDBC plugin's own delete would keep a marker row per id for
 * ever). Quail never reuses a persistence id, and a message's actor has stopped writing before it asks for its
 * cleaning, so nothing needs the journal actor's bookkeeping of deletions. Going through Pekko's public API
 * instead cost a short-lived persistent actor per message (its creation, a recovery permit, a snapshot query and a
 * read of the highest sequence number before the delete); loadtest/README.md has what dropping it saved.
 *
 * <p>Failure policy: the Cleaner keeps no state and is restarted by the Queue; a delete that fails is logged.
 */
public final class Cleaner {
    public sealed interface Command {}

    public record Clean(String persistenceId) implements Command {}

    private Cleaner() {}

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
}
