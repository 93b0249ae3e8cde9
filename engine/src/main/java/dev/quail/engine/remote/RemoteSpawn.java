package dev.quail.engine.remote;

import dev.quail.engine.Controls;
import dev.quail.engine.queue.DeliveryResult;
import dev.quail.engine.queue.Outcome;
import dev.quail.engine.queue.SpawnStatus;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * qmail-rspawn. Until remote delivery lands every remote recipient is deferred, so it stays queued and is
 * retried on qmail's schedule rather than lost.
 */
public final class RemoteSpawn {
    public sealed interface Command {}

    public record Deliver(RemoteJob job) implements Command {}

    private RemoteSpawn() {}

    public static Behavior<Command> create(Controls controls, SpawnStatus status) {
        return Behaviors.receive(Command.class)
                .onMessage(Deliver.class, d -> {
                    for (RemoteJob.Target t : d.job().targets()) {
                        d.job().replyTo().tell(new DeliveryResult(t.recipient(),
                                new Outcome.Deferral("Sorry, remote delivery is not available yet. (#4.3.0)")));
                    }
                    return Behaviors.same();
                })
                .build();
    }
}
