/*
 * LevelDbSnapshotStore: Quail's Pekko Persistence snapshot store plugin, in the journal's own LevelDB (the same
 * JournalStore, shared through JournalStores), so one directory holds an actor's events and snapshots and one
 * writer orders them.
 *
 * Configuration (defaults in reference.conf under quail.snapshot):
 *   journal-plugin     the journal plugin whose dir and fsync settings locate the store
 *   load-dispatcher    where loading and serializing run (both block, for tens of MB at a time)
 *
 * A snapshot is saved through the writer queue with fsync (its future completes once it is on disk), stored as
 * its payload's serializer made it (see SnapshotIndex), and loaded as the latest one that matches the criteria.
 * Snapshots go with the last event of their persistence id (JournalStore): an actor that snapshots must always keep
 * its last event. snapshotEvery(n, k).withDeleteEventsOnSnapshot() keeps n * k events and is safe;
 * snapshotWhen(predicate, true) deletes every event up to the snapshot, the last one included, and takes the
 * snapshots with them.
 * SnapshotMetadata's optional metadata field is not stored.
 */
package dev.quail.persistence.journal;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.snapshot.japi.SnapshotStore;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;

public final class LevelDbSnapshotStore extends SnapshotStore {
    private final JournalStore store;
    private final Serialization serialization;
    private final Executor loadExecutor;

    public LevelDbSnapshotStore(Config config) {
        Config journal = context().system().settings().config().getConfig(config.getString("journal-plugin"));
        this.store = JournalStores.get(context().system())
                .open(Path.of(journal.getString("dir")), journal.getBoolean("fsync"));
        this.serialization = SerializationExtension.get(context().system());
        this.loadExecutor = context().system().dispatchers().lookup(config.getString("load-dispatcher"));
    }

    @Override
    public Future<Optional<SelectedSnapshot>> doLoadAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
        // "No snapshot" asked of a store that answers it from LevelDB would still cost a read per recovery.
        if (criteria.maxSequenceNr() <= 0) {
            return FutureConverters.asScala(CompletableFuture.completedFuture(Optional.empty()));
        }
        return FutureConverters.asScala(CompletableFuture.supplyAsync(() -> {
            try {
                return store.latestSnapshot(persistenceId, matching(criteria)).map(loaded -> new SelectedSnapshot(
                        new SnapshotMetadata(persistenceId, loaded.entry().seqNr(), loaded.entry().timestamp()),
                        serialization.deserialize(loaded.bytes(), loaded.entry().serializerId(),
                                loaded.entry().manifest()).get()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, loadExecutor));
    }

    @Override
    public Future<Void> doSaveAsync(SnapshotMetadata metadata, Object snapshot) {
        return FutureConverters.asScala(CompletableFuture.supplyAsync(() -> {
            Serializer serializer = serialization.findSerializerFor(snapshot);
            SnapshotIndex.Entry entry = new SnapshotIndex.Entry(metadata.sequenceNr(), metadata.timestamp(),
                    serializer.identifier(), Serializers.manifestFor(serializer, snapshot));
            return store.saveSnapshot(metadata.persistenceId(), entry, serializer.toBinary(snapshot));
        }, loadExecutor).thenCompose(saved -> saved));
    }

    /** Deletes the snapshot at the metadata's sequence number (and timestamp, unless that is 0, as Pekko's own). */
    @Override
    public Future<Void> doDeleteAsync(SnapshotMetadata metadata) {
        return FutureConverters.asScala(store.deleteSnapshots(metadata.persistenceId(),
                entry -> entry.seqNr() == metadata.sequenceNr()
                        && (metadata.timestamp() == 0 || entry.timestamp() == metadata.timestamp())));
    }

    @Override
    public Future<Void> doDeleteAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
        return FutureConverters.asScala(store.deleteSnapshots(persistenceId, matching(criteria)));
    }

    private static Predicate<SnapshotIndex.Entry> matching(SnapshotSelectionCriteria criteria) {
        return entry -> entry.seqNr() >= criteria.minSequenceNr() && entry.seqNr() <= criteria.maxSequenceNr()
                && entry.timestamp() >= criteria.minTimestamp() && entry.timestamp() <= criteria.maxTimestamp();
    }
}
