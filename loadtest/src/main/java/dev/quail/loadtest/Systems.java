/*
 * Systems: the Pekko actor system each command runs its streams on, silent (the commands' output is their
 * report, maybe JSON, and they report failures themselves) and without Pekko's own JVM shutdown hook,
 * since every command ends its system itself.
 */
package dev.quail.loadtest;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.ActorSystem;

public final class Systems {

    private Systems() {}

    public static ActorSystem create(String name) {
        return ActorSystem.create(name, ConfigFactory.parseString(String.join("\n",
                "pekko.loglevel = OFF",
                "pekko.stdout-loglevel = OFF",
                "pekko.log-dead-letters = off",
                "pekko.log-dead-letters-during-shutdown = off",
                "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off"))
                .withFallback(ConfigFactory.load()));
    }

    public static void stop(ActorSystem system, Duration wait) {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Streams still draining are cut off; the report has been printed already.
        } catch (Exception e) {
            Thread.currentThread().interrupt();
        }
    }
}
