/*
 * Scroll: an event-sourced behavior whose state is large and whose events are small: an event says how many
 * characters to add, and the state is the text grown by that much (a pattern, so it can be checked). It snapshots
 * after any event that adds more than a million characters, for the large-snapshot tests.
 */
package dev.quail.persistence.journal;

import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

final class Scroll extends EventSourcedBehavior<Scroll.Command, Integer, String> {
    interface Command {
    }

    record Grow(int chars, ActorRef<Done> replyTo) implements Command {
    }

    record Read(ActorRef<String> replyTo) implements Command {
    }

    private Scroll(String persistenceId) {
        super(PersistenceId.ofUniqueId(persistenceId));
    }

    static Behavior<Command> create(String persistenceId) {
        return new Scroll(persistenceId);
    }

    /** The text after growing from nothing by each of {@code growths} in turn. */
    static String text(int... growths) {
        String text = "";
        for (int chars : growths) {
            text = grown(text, chars);
        }
        return text;
    }

    private static String grown(String text, int chars) {
        StringBuilder longer = new StringBuilder(text.length() + chars).append(text);
        for (int i = text.length(); i < text.length() + chars; i++) {
            longer.append((char) ('a' + i % 26));
        }
        return longer.toString();
    }

    @Override
    public String emptyState() {
        return "";
    }

    @Override
    public CommandHandler<Command, Integer, String> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Grow.class, (text, grow) -> Effect().persist(grow.chars())
                        .thenReply(grow.replyTo(), grown -> Done.getInstance()))
                .onCommand(Read.class, (text, read) -> Effect().reply(read.replyTo(), text))
                .build();
    }

    @Override
    public EventHandler<String, Integer> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onEvent(Integer.class, Scroll::grown).build();
    }

    @Override
    public boolean shouldSnapshot(String state, Integer event, long sequenceNr) {
        return event > 1_000_000;
    }
}
