package dev.quail.engine;

import dev.quail.engine.log.MessageLog;
import java.time.Duration;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The Control role of DESIGN.md: notices changed control files and users/assign and installs the new
 * configuration without a restart. A check every second costs a directory listing; qmail's own tools read
 * controls per connection, so admins expect changes to apply at once.
 */
public final class ControlWatcher {
    public sealed interface Command {}

    /** quail reload: read everything now. */
    public record Reload(ActorRef<Boolean> replyTo) implements Command {}

    private enum Check implements Command { INSTANCE }

    private ControlWatcher() {}

    public static Behavior<Command> create(Controls controls) {
        return Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Check.INSTANCE, Duration.ofSeconds(1));
            return Behaviors.receive(Command.class)
                    .onMessageEquals(Check.INSTANCE, () -> {
                        try {
                            if (controls.reloadIfChanged()) MessageLog.info("control files reread");
                        } catch (Exception e) {
                            MessageLog.alert("unable to reread controls: " + e.getMessage());
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Reload.class, reload -> {
                        boolean ok;
                        try {
                            controls.reload();
                            MessageLog.info("control files reread");
                            ok = true;
                        } catch (Exception e) {
                            MessageLog.alert("unable to reread controls: " + e.getMessage());
                            ok = false;
                        }
                        reload.replyTo().tell(ok);
                        return Behaviors.same();
                    })
                    .build();
        });
    }
}
