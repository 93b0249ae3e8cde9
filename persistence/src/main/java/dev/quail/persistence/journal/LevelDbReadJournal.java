/*
 * LevelDbReadJournal: queries over Quail's journal.
 * - currentPersistenceIds: which persistence ids (queued messages) still hold events, the question the queue asks
 *   at startup.
 * - currentEventsByPersistenceId: one id's events, as Pekko Persistence's EventEnvelopes (offset = sequence
 *   number), for tools that read a message's history without recovering its actor.
 * Each stream reads one consistent view of the store, taken when it starts, one entry at a time, so a queue of
 * millions is listed in constant memory; it then completes (it does not follow later writes).
 *
 * One object serves both DSLs: the scaladsl side is the bare marker interface, since Quail has no Scala callers.
 */
package dev.quail.persistence.journal;

import org.apache.pekko.NotUsed;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentPersistenceIdsQuery;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.javadsl.Source;

public final class LevelDbReadJournal implements CurrentPersistenceIdsQuery, CurrentEventsByPersistenceIdQuery,
        org.apache.pekko.persistence.query.scaladsl.ReadJournal {
    /** The id to pass to PersistenceQuery.getReadJournalFor. */
    public static final String IDENTIFIER = "quail.journal-query";

    private final JournalStore store;
    private final Serialization serialization;

    LevelDbReadJournal(JournalStore store, Serialization serialization) {
        this.store = store;
        this.serialization = serialization;
    }

    @Override
    public Source<String, NotUsed> currentPersistenceIds() {
        // unfoldResource runs on Pekko's blocking-IO dispatcher and closes the cursor on completion or cancel.
        return Source.unfoldResource(store::liveIdCursor, LiveIdCursor::next, LiveIdCursor::close);
    }

    @Override
    public Source<EventEnvelope, NotUsed> currentEventsByPersistenceId(String persistenceId, long fromSequenceNr,
            long toSequenceNr) {
        return Source.unfoldResource(() -> store.eventCursor(persistenceId, fromSequenceNr, toSequenceNr),
                EventCursor::next, EventCursor::close).map(this::envelope);
    }

    private EventEnvelope envelope(JournalStore.Event event) {
        PersistentRepr repr = serialization.deserialize(event.bytes(), PersistentRepr.class).get();
        return new EventEnvelope(Offset.sequence(repr.sequenceNr()), repr.persistenceId(), repr.sequenceNr(),
                repr.payload(), repr.timestamp(), repr.metadata());
    }
}
