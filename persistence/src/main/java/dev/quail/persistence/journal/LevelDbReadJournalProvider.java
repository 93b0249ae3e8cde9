/*
 * LevelDbReadJournalProvider: the Pekko Persistence Query plugin for Quail's
 * journal (configured under quail.journal-query).
 *
 * Config key write-plugin (default "quail.journal") names the journal plugin
 * whose dir and fsync settings locate the store; the store itself is shared
 * with that journal through JournalStores.
 */
package dev.quail.persistence.journal;

import com.typesafe.config.Config;
import java.nio.file.Path;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.persistence.query.ReadJournalProvider;
import org.apache.pekko.serialization.SerializationExtension;

public final class LevelDbReadJournalProvider implements ReadJournalProvider {
    private final LevelDbReadJournal readJournal;

    public LevelDbReadJournalProvider(ExtendedActorSystem system, Config config) {
        Config journal = system.settings().config().getConfig(config.getString("write-plugin"));
        JournalStore store = JournalStores.get(system)
                .open(Path.of(journal.getString("dir")), journal.getBoolean("fsync"));
        this.readJournal = new LevelDbReadJournal(store, SerializationExtension.get(system));
    }

    @Override
    public LevelDbReadJournal scaladslReadJournal() {
        return readJournal;
    }

    @Override
    public LevelDbReadJournal javadslReadJournal() {
        return readJournal;
    }
}
