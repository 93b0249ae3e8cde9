package dev.quail.engine.http;

import dev.quail.engine.lists.BounceStore;
import dev.quail.engine.lists.ListAddress;
import dev.quail.engine.lists.ListSummary;
import dev.quail.engine.lists.Lists;
import dev.quail.engine.lists.MailingList;
import dev.quail.engine.lists.Member;
import dev.quail.engine.lists.MemberChanges;
import dev.quail.engine.lists.Subscribers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * What the API and the lists page do to mailing lists: `quail list create|delete|show|subscribe|unsubscribe|members|
 * bounces`, the same lists code, each change logged with the admin's name first. Blocking (files, fsync): run
 * through {@link #attempt}, on the I/O executor. A list is named LIST@DOMAIN; form fields: address (the list's, to
 * create it; members' to subscribe or unsubscribe them, separated by commas or spaces), owner, moderated,
 * subscribers-only.
 */
final class ListDesk {
    /** Members a page shows unless asked for another number, and the most it shows. */
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final Lists lists;
    private final Executor io;

    ListDesk(Lists lists, Executor io) {
        this.lists = lists;
        this.io = io;
    }

    /** {@code work} on the I/O executor; refused with 400 (bad input), 404 (no such list) or 503 (a file). */
    <T> CompletionStage<FileWork.Done<T>> attempt(FileWork.Work<T> work) {
        return FileWork.attempt(io, "lists", work);
    }

    /** Every list, by domain and name. */
    List<ListSummary> all() throws IOException {
        List<ListSummary> all = new ArrayList<>();
        for (MailingList l : lists.all()) all.add(ListSummary.of(l));
        all.sort(Comparator.comparing((ListSummary s) -> s.name().domain()).thenComparing(s -> s.name().local()));
        return all;
    }

    ListSummary show(String list) throws IOException {
        return ListSummary.of(open(list));
    }

    /** A page of a list's members: where it starts, how many it may hold, and what it holds. */
    record Members(long offset, int limit, Subscribers.Page page) {}

    /** The page of members {@code offset} and {@code limit} (query parameters, either may be absent) pick. */
    Members members(String list, Map<String, String> query) throws IOException {
        long offset = number(query, "offset", 0, Long.MAX_VALUE);
        int limit = (int) number(query, "limit", DEFAULT_LIMIT, MAX_LIMIT);
        return new Members(offset, limit, open(list).subscribers().page(offset, limit));
    }

    List<BounceStore.Record> bounces(String list) throws IOException {
        return open(list).bounces().all();
    }

    String create(Caller caller, Map<String, String> form) throws IOException {
        String address = form.getOrDefault("address", "");
        String owner = form.getOrDefault("owner", "").strip();
        boolean moderated = checked(form, "moderated");
        boolean subscribersOnly = checked(form, "subscribers-only");
        Actions.log(caller, "list create " + address + (owner.isEmpty() ? "" : " --owner " + owner)
                + (moderated ? " --moderated" : "") + (subscribersOnly ? " --subscribers-only" : ""));
        ListAddress name = name(address);
        StringBuilder why = new StringBuilder();
        Optional<String> ownerAddress = owner.isEmpty() ? Optional.empty() : Optional.of(Member.parse(owner, why)
                .orElseThrow(() -> new IllegalArgumentException("bad owner " + owner + ": " + why)));
        if (lists.open(name).isPresent()) throw new IllegalArgumentException(name + " already exists");
        lists.create(name, ownerAddress, moderated, subscribersOnly);
        return "created " + name;
    }

    String delete(Caller caller, String list) throws IOException {
        Actions.log(caller, "list delete " + list);
        if (!lists.delete(open(list).name())) throw missing(list);
        return "deleted " + list;
    }

    /** Subscribes ({@code adding}) or unsubscribes the form's addresses: all of them, or none when one is bad. */
    String change(Caller caller, String list, Map<String, String> form, boolean adding) throws IOException {
        String addresses = form.getOrDefault("address", "");
        Actions.log(caller, "list " + (adding ? "subscribe " : "unsubscribe ") + list + " " + addresses);
        MailingList l = open(list);
        List<String> members = MemberChanges.parse(addresses);
        return MemberChanges.apply(l, adding, members.iterator(), (text, why) -> {
            // none: parse() has refused the whole form already when one address was bad
        }).describe(l.name(), adding);
    }

    private MailingList open(String list) {
        return lists.open(name(list)).orElseThrow(() -> missing(list));
    }

    private static ListAddress name(String list) {
        return ListAddress.parse(list).orElseThrow(() -> new IllegalArgumentException("not a list name: " + list
                + " (LIST@DOMAIN, LIST of letters, digits and . _ + -, DOMAIN a DNS name)"));
    }

    private static FileWork.Missing missing(String list) {
        return new FileWork.Missing("no such list: " + list);
    }

    private static boolean checked(Map<String, String> form, String field) {
        return List.of("1", "on", "true", "yes").contains(form.getOrDefault(field, ""));
    }

    private static long number(Map<String, String> query, String key, long otherwise, long most) {
        String text = query.get(key);
        if (text == null || text.isEmpty()) return otherwise;
        try {
            long n = Long.parseLong(text);
            if (n >= 0) return Math.min(n, most);
        } catch (NumberFormatException e) {
            // refused below, as a negative number is
        }
        throw new IllegalArgumentException(key + " must be a number from 0: " + text);
    }
}
