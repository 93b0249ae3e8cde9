package dev.quail.engine.lists;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * ezmlm-sub and ezmlm-unsub for any number of addresses (`quail list subscribe|unsubscribe`, the admin API, the web
 * admin): each address checked as {@link Member#parse} checks it (one that is not an address is refused with its
 * reason, never stored), the rest applied {@link #BATCH} at a time, so any number costs bounded memory (some 10 MB)
 * and each batch rewrites the buckets once: a million addresses are ten passes over the list.
 */
public final class MemberChanges {
    static final int BATCH = 100_000;

    /** Told of each address refused, with why. */
    public interface Refusals {
        void refused(String text, String why);
    }

    /** How many addresses changed the list, were already (or not) members, were refused. */
    public record Tally(long changed, long unchanged, long refused) {
        /** "news@lists.example.org: 2 subscribed, 1 unchanged, 1 refused" (the refused only when there are any). */
        public String describe(ListAddress list, boolean adding) {
            return list + ": " + changed + (adding ? " subscribed, " : " unsubscribed, ") + unchanged + " unchanged"
                    + (refused > 0 ? ", " + refused + " refused" : "");
        }
    }

    private MemberChanges() {}

    /**
     * The addresses in {@code text} (separated by commas or white space), all or none: the first that is not an
     * address is refused with its reason ({@link IllegalArgumentException}), so a typo changes nothing.
     */
    public static List<String> parse(String text) {
        List<String> members = new ArrayList<>();
        for (String t : text.split("[,\\s]+")) {
            if (t.isEmpty()) continue;
            StringBuilder why = new StringBuilder();
            members.add(Member.parse(t, why).orElseThrow(() -> new IllegalArgumentException(
                    "not an address: " + t + " (" + why + ")")));
        }
        if (members.isEmpty()) throw new IllegalArgumentException("no address given");
        return members;
    }

    /** Subscribes ({@code adding}) or unsubscribes each address {@code texts} gives; blank ones are skipped. */
    public static Tally apply(MailingList l, boolean adding, Iterator<String> texts, Refusals refusals)
            throws IOException {
        long[] counts = {0, 0};
        long refused = 0;
        List<String> batch = new ArrayList<>();
        while (texts.hasNext()) {
            String text = texts.next().strip();
            if (text.isEmpty()) continue;
            StringBuilder why = new StringBuilder();
            Optional<String> m = Member.parse(text, why);
            if (m.isEmpty()) {
                refusals.refused(text, why.toString());
                refused++;
                continue;
            }
            batch.add(m.get());
            if (batch.size() == BATCH) flush(l, adding, batch, counts);
        }
        flush(l, adding, batch, counts);
        return new Tally(counts[0], counts[1], refused);
    }

    /** Applies and empties {@code batch}, counting into {@code counts}: changed, unchanged. */
    private static void flush(MailingList l, boolean adding, List<String> batch, long[] counts) throws IOException {
        if (batch.isEmpty()) return;
        int n = (adding ? l.subscribe(batch, "+manual") : l.unsubscribe(batch, "-manual")).size();
        counts[0] += n;
        counts[1] += batch.size() - n;
        batch.clear();
    }
}
