/*
 * JournalStores: the ActorSystem's open JournalStores, one per directory.
 *
 * LevelDB locks its directory, so the journal actor and the read journal must
 * share one store. Whichever asks first opens it (with its fsync setting); every
 * store is closed, after its pending writes, when the ActorSystem terminates
 * (termination callbacks run after all actors, the journal's writers included,
 * have stopped).
 */
package dev.quail.persistence.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;

public final class JournalStores implements Extension {
    private static final Id ID = new Id();

    private final Map<Path, JournalStore> stores = new HashMap<>();
    private final LoggingAdapter log;
    private boolean terminated;

    private JournalStores(ExtendedActorSystem system) {
        this.log = Logging.getLogger(system, JournalStores.class);
        system.registerOnTermination(this::closeAll);
    }

    public static JournalStores get(ActorSystem system) {
        return ID.get(system);
    }

    /** The open store for {@code dir} (made absolute), opening it on first use. */
    public synchronized JournalStore open(Path dir, boolean fsync) {
        if (terminated) {
            throw new IllegalStateException("actor system terminated; journal " + dir + " is closed");
        }
        return stores.computeIfAbsent(dir.toAbsolutePath().normalize(), absolute -> {
            try {
                return JournalStore.open(absolute, fsync);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open journal " + absolute, e);
            }
        });
    }

    /** The health of the store open for {@code dir}; empty if none is. */
    public synchronized Optional<JournalStore.Health> health(Path dir) {
        return Optional.ofNullable(stores.get(dir.toAbsolutePath().normalize())).map(JournalStore::health);
    }

    private synchronized void closeAll() {
        terminated = true;
        stores.forEach((dir, store) -> {
            try {
                store.close();
            } catch (IOException e) {
                log.error(e, "closing journal {} failed", dir);
            }
        });
        stores.clear();
    }

    /** The extension's key; Pekko builds one JournalStores per ActorSystem. */
    private static final class Id extends AbstractExtensionId<JournalStores> {
        @Override
        public JournalStores createExtension(ExtendedActorSystem system) {
            return new JournalStores(system);
        }
    }
}
