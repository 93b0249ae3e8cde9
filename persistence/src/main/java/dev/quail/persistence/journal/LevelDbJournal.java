/*
 * LevelDbJournal: Quail's Pekko Persistence journal plugin (classic plugin API).
 *
 * Each PersistentRepr is serialized with Pekko serialization, as Pekko's own
 * leveldb journal does, and handed to the shared JournalStore, which commits the
 * writes of many persistent actors with one fsync (group commit). The journal
 * actor itself never blocks: writes complete on the store's writer thread,
 * reads run on the replay dispatcher.
 *
 * Configuration (defaults in reference.conf under quail.journal):
 *   dir                absolute path of the LevelDB directory (relative: to the working directory)
 *   fsync              on: a write completes only once it is on stable storage
 *   replay-dispatcher  where replay and highest-sequence-number reads run
 *
 * A serialization failure (or a persistence id the store cannot hold, one with
 * NUL) rejects only its AtomicWrite (the persistent actor gets a rejection and
 * carries on); a store failure fails the whole write request.
 * Event tags are not stored: Quail reads no events by tag.
 */
package dev.quail.persistence.journal;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.Tagged;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;

public final class LevelDbJournal extends AsyncWriteJournal {
    private final JournalStore store;
    private final Serialization serialization;
    private final Executor replayExecutor;

    public LevelDbJournal(Config config) {
        this.store = JournalStores.get(context().system())
                .open(Path.of(config.getString("dir")), config.getBoolean("fsync"));
        this.serialization = SerializationExtension.get(context().system());
        this.replayExecutor = context().system().dispatchers().lookup(config.getString("replay-dispatcher"));
    }

    @Override
    public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
        List<Optional<Exception>> results = new ArrayList<>();
        List<JournalStore.Event> events = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (AtomicWrite write : messages) {
            try {
                List<JournalStore.Event> serialized = new ArrayList<>();
                for (PersistentRepr repr : CollectionConverters.asJava(write.payload())) {
                    JournalKeys.checkPid(repr.persistenceId());
                    serialized.add(new JournalStore.Event(repr.persistenceId(), repr.sequenceNr(), toBytes(repr, now)));
                }
                events.addAll(serialized);
                results.add(Optional.empty());
            } catch (Exception e) {
                results.add(Optional.of(e));
            }
        }
        return FutureConverters.asScala(store.write(events).<Iterable<Optional<Exception>>>thenApply(done -> results));
    }

    @Override
    public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
        return FutureConverters.asScala(store.deleteTo(persistenceId, toSequenceNr));
    }

    @Override
    public Future<Void> doAsyncReplayMessages(String persistenceId, long fromSequenceNr, long toSequenceNr,
            long max, Consumer<PersistentRepr> replayCallback) {
        // Pekko allows the replay callback to be called from any thread.
        return FutureConverters.asScala(CompletableFuture.runAsync(() -> {
            try {
                store.replay(persistenceId, fromSequenceNr, toSequenceNr, max,
                        bytes -> replayCallback.accept(fromBytes(bytes)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, replayExecutor));
    }

    @Override
    public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
        return FutureConverters.asScala(
                CompletableFuture.supplyAsync(() -> store.highestSeqNr(persistenceId), replayExecutor));
    }

    /** The event as stored: untagged, and stamped with when it was written (EventEnvelope.timestamp). */
    private byte[] toBytes(PersistentRepr repr, long now) throws Exception {
        PersistentRepr untagged = repr.payload() instanceof Tagged tagged ? repr.withPayload(tagged.payload()) : repr;
        return serialization.serialize(untagged.timestamp() == 0 ? untagged.withTimestamp(now) : untagged).get();
    }

    private PersistentRepr fromBytes(byte[] bytes) {
        return serialization.deserialize(bytes, PersistentRepr.class).get();
    }
}
