package dev.quail.engine.lists;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What `quail list show` says of a list, and the admin API and the web admin with it: its settings and counts.
 * Counting reads every member (53 bucket files, a record at a time), so it costs a pass over the list.
 */
public record ListSummary(ListAddress name, Optional<String> owner, boolean moderated, boolean subscribersOnly,
                          long members, long posts, int bouncing, Duration bounceTimeout, String url, Path dir) {

    public static ListSummary of(MailingList l) throws IOException {
        return new ListSummary(l.name(), l.owner(), l.moderated(), l.subscribersOnly(), l.subscribers().count(),
                l.lastNumber(), l.bounces().all().size(), l.bounceTimeout(), l.url(), l.dir());
    }
}
