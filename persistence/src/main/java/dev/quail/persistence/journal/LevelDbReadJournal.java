/*
 * LevelDbReadJournal: queries over Quail's journal. It answers the one question
 * the queue asks at startup: which persistence ids (queued messages) still hold
 * events. The ids are streamed from one consistent view of the store, taken when
 * the stream starts, so a queue of millions is listed in constant memory; the
 * stream then completes (it does not follow later writes).
 *
 * One object serves both DSLs: the scaladsl side is the bare marker interface,
 * since Quail has no Scala callers.
 */
package dev.quail.persistence.journal;

import org.apache.pekko.NotUsed;
import org.apache.pekko.persistence.query.javadsl.CurrentPersistenceIdsQuery;
import org.apache.pekko.stream.javadsl.Source;

public final class LevelDbReadJournal
        implements CurrentPersistenceIdsQuery, org.apache.pekko.persistence.query.scaladsl.ReadJournal {
    /** The id to pass to PersistenceQuery.getReadJournalFor. */
    public static final String IDENTIFIER = "quail.journal-query";

    private final JournalStore store;

    LevelDbReadJournal(JournalStore store) {
        this.store = store;
    }

    @Override
    public Source<String, NotUsed> currentPersistenceIds() {
        // unfoldResource runs on Pekko's blocking-IO dispatcher and closes the cursor on completion or cancel.
        return Source.unfoldResource(store::liveIdCursor, LiveIdCursor::next, LiveIdCursor::close);
    }
}
