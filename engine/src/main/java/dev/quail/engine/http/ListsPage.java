package dev.quail.engine.http;

import dev.quail.engine.lists.BounceStore;
import dev.quail.engine.lists.ListSummary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The mailing lists: each with its settings and counts, a form to create one, its deletion; and one list's page:
 * its settings (`quail list show`), subscribe and unsubscribe forms, its members a page at a time, its bouncing
 * members (`quail list bounces`).
 */
final class ListsPage {
    /** One list as its page shows it: its summary, the page of members asked for, its bouncing members. */
    record One(ListSummary summary, ListDesk.Members members, List<BounceStore.Record> bounces) {}

    private ListsPage() {}

    static Html all(Caller caller, List<ListSummary> lists) {
        List<Html> rows = new ArrayList<>();
        for (ListSummary s : lists) {
            String address = s.name().address();
            rows.add(Html.of("<tr data-list=\"{}\"><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td>"
                    + "<td class=\"members\">{}</td><td>{}</td><td>{}</td></tr>", address, link(address), address,
                    owner(s), yes(s.moderated()), yes(s.subscribersOnly()), String.valueOf(s.members()),
                    String.valueOf(s.bouncing()), delete(caller, address)));
        }
        Html create = Pages.form(caller, "/lists", Html.of("""
                <label>List <input name="address" id="new-list" placeholder="LIST@DOMAIN" required></label> \
                <label>Owner <input name="owner" id="new-owner" placeholder="none: the postmaster"></label> \
                <label><input type="checkbox" name="moderated" value="1"> moderated</label> \
                <label><input type="checkbox" name="subscribers-only" value="1"> subscribers only</label> """),
                "Create list");
        return Html.of("<section id=\"create\"><h2>Create a list</h2>{}</section><h2>Lists</h2>"
                + "<table id=\"lists\"><tr><th>list</th><th>owner</th><th>moderated</th><th>subscribers only</th>"
                + "<th>members</th><th>bouncing</th><th title=\"with its members, archive and bounces\"></th></tr>"
                + "{}</table>", create, rows);
    }

    static Html one(Caller caller, One one) {
        ListSummary s = one.summary();
        String address = s.name().address();
        String base = link(address);
        Html settings = Html.of("""
                <table id="settings"><tr><th>owner</th><td id="owner">{}</td></tr>\
                <tr><th>moderated</th><td id="moderated">{}</td></tr>\
                <tr><th>subscribers only</th><td id="subscribers-only">{}</td></tr>\
                <tr><th>members</th><td id="member-count">{}</td></tr><tr><th>posts</th><td>{}</td></tr>\
                <tr><th>bouncing</th><td>{}</td></tr><tr><th>bounce timeout</th><td>{} s</td></tr>\
                <tr><th>unsubscribe url</th><td>{}</td></tr><tr><th>directory</th><td>{}</td></tr></table>""",
                owner(s), yes(s.moderated()), yes(s.subscribersOnly()), String.valueOf(s.members()),
                String.valueOf(s.posts()), String.valueOf(s.bouncing()), String.valueOf(s.bounceTimeout().toSeconds()),
                s.url(), s.dir().toString());
        Html change = Html.of("<section id=\"change\"><h2>Subscribe or unsubscribe</h2><p>{}</p><p>{}</p></section>",
                Pages.form(caller, base + "/subscribe", Html.of("<input name=\"address\" id=\"subscribe-address\" "
                        + "aria-label=\"addresses to subscribe\" placeholder=\"addresses, separated by commas or "
                        + "spaces\" size=\"50\" required> "), "Subscribe"),
                Pages.form(caller, base + "/unsubscribe", Html.of("<input name=\"address\" "
                        + "id=\"unsubscribe-address\" aria-label=\"addresses to unsubscribe\" size=\"50\" required> "),
                        "Unsubscribe"));
        List<Html> members = new ArrayList<>();
        ListDesk.Members page = one.members();
        for (String m : page.page().members()) {
            members.add(Html.of("<tr data-member=\"{}\"><td>{}</td><td>{}</td></tr>", m, m, Pages.form(caller,
                    base + "/unsubscribe", Pages.hidden("address", m), "Unsubscribe")));
        }
        List<Html> bounces = new ArrayList<>();
        for (BounceStore.Record r : one.bounces()) {
            bounces.add(Html.of("<tr data-member=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    r.member(), r.member(), Instant.ofEpochSecond(r.first()).toString(), String.valueOf(r.count()),
                    r.state().shown, r.status()));
        }
        return Html.of("{}{}<h2>Members</h2><p id=\"member-total\">{} members{}</p><table id=\"members\">{}</table>"
                + "<p>{}</p><h2>Bounces</h2>{}<p>{}</p>", settings, change, String.valueOf(page.page().total()),
                page.page().members().isEmpty() ? ""
                        : "; these: " + (page.offset() + 1) + " to " + (page.offset() + page.page().members().size()),
                members, pages(base, page),
                bounces.isEmpty() ? Html.of("<p id=\"no-bounces\">No member is bouncing.</p>")
                        : Html.of("<table id=\"bounces\"><tr><th>member</th><th>first bounce</th><th>count</th>"
                        + "<th>state</th><th>last status</th></tr>{}</table>", bounces),
                delete(caller, address));
    }

    static String link(String list) {
        return "/lists/" + WebRoutes.encode(list);
    }

    private static Html delete(Caller caller, String list) {
        return Pages.form(caller, "/lists/delete", Pages.hidden("list", list), "Delete list");
    }

    /** Links to the previous and next pages of members, where there are any. */
    private static Html pages(String base, ListDesk.Members page) {
        long offset = page.offset();
        int limit = page.limit();
        List<Html> links = new ArrayList<>();
        if (offset > 0) links.add(page(base, Math.max(0, offset - limit), limit, "previous"));
        if (offset + limit < page.page().total()) links.add(page(base, offset + limit, limit, "next"));
        return Html.join(links);
    }

    private static Html page(String base, long offset, int limit, String label) {
        return Html.of("<a href=\"{}?offset={}&amp;limit={}\" id=\"{}\">{}</a> ", base, String.valueOf(offset),
                String.valueOf(limit), label, label);
    }

    private static String owner(ListSummary s) {
        return s.owner().orElse("(none: the postmaster)");
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }
}
