/*
 * EventLog: an event-sourced behavior that persists MessageEvents, as Quail's Message actors do, and answers with
 * all it recovered and persisted; every event is tagged, so the plugin writes event_tag rows too.
 */
package dev.quail.persistence.jdbc;

import dev.quail.persistence.events.MessageEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

final class EventLog extends EventSourcedBehavior<EventLog.Command, MessageEvent, List<MessageEvent>> {
    interface Command {
    }

    record Persist(MessageEvent event, ActorRef<Done> replyTo) implements Command {
    }

    record Get(ActorRef<List<MessageEvent>> replyTo) implements Command {
    }

    private EventLog(String persistenceId) {
        super(PersistenceId.ofUniqueId(persistenceId));
    }

    static Behavior<Command> create(String persistenceId) {
        return new EventLog(persistenceId);
    }

    @Override
    public List<MessageEvent> emptyState() {
        return List.of();
    }

    @Override
    public Set<String> tagsFor(MessageEvent event) {
        return Set.of("message");
    }

    @Override
    public CommandHandler<Command, MessageEvent, List<MessageEvent>> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Persist.class, (events, persist) -> Effect().persist(persist.event())
                        .thenReply(persist.replyTo(), after -> Done.getInstance()))
                .onCommand(Get.class, (events, get) -> Effect().reply(get.replyTo(), events))
                .build();
    }

    @Override
    public EventHandler<List<MessageEvent>, MessageEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent((events, event) -> {
            List<MessageEvent> more = new ArrayList<>(events);
            more.add(event);
            return more;
        });
    }
}
