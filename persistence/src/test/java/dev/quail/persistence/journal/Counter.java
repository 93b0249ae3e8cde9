/*
 * Counter: the smallest event-sourced behavior, for driving the journal plugin
 * as Quail's Message actors do. Events are Integers (Pekko serializes those
 * out of the box), the state is their sum. A snapshotting one drives the
 * snapshot store too.
 */
package dev.quail.persistence.journal;

import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

final class Counter extends EventSourcedBehavior<Counter.Command, Integer, Integer> {
    interface Command {
    }

    record Add(int amount, ActorRef<Done> replyTo) implements Command {
    }

    record Get(ActorRef<Integer> replyTo) implements Command {
    }

    private final RetentionCriteria retention;

    private Counter(String persistenceId, RetentionCriteria retention) {
        super(PersistenceId.ofUniqueId(persistenceId));
        this.retention = retention;
    }

    static Behavior<Command> create(String persistenceId) {
        return new Counter(persistenceId, RetentionCriteria.disabled());
    }

    /** A counter that snapshots as {@code retention} says. */
    static Behavior<Command> snapshotting(String persistenceId, RetentionCriteria retention) {
        return new Counter(persistenceId, retention);
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return retention;
    }

    @Override
    public Integer emptyState() {
        return 0;
    }

    @Override
    public CommandHandler<Command, Integer, Integer> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Add.class, (sum, add) -> Effect().persist(add.amount())
                        .thenReply(add.replyTo(), newSum -> Done.getInstance()))
                .onCommand(Get.class, (sum, get) -> Effect().reply(get.replyTo(), sum))
                .build();
    }

    @Override
    public EventHandler<Integer, Integer> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onEvent(Integer.class, Integer::sum).build();
    }
}
