package dev.quail.engine.remote;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Where a domain's mail goes once DNS has said so, and the unit of control/shaping's budget: the set of MX hosts
 * (every domain with the same set shares one site, whatever their preferences), an smtproutes relay, or an address
 * literal. The key names it: the MX host names sorted and joined by commas ({@code mx1.example.net,mx2.example.net};
 * a domain without MX records is its own one host), {@code relay HOST:PORT}, or {@code [IP]}; a site reached only
 * over TLS (control/tlsdestinations) has " tls-required" added, so its mail never shares a connection with mail that
 * may go in clear. The exchangers keep the preferences of the domain that first named the site. {@code implicit}:
 * a domain without MX records, its own MX (REM-03), whose failures to resolve are said in its own name.
 */
record Site(String key, Destination.Kind kind, List<Exchanger> exchangers, int port, boolean tlsRequired,
            boolean implicit) {
    record Exchanger(String host, int preference) {}

    Site {
        exchangers = List.copyOf(exchangers);
    }

    /** An smtproutes relay or an address literal: known without DNS. */
    static Site of(Destination d) {
        return new Site(d.key(), d.kind(), List.of(new Exchanger(d.host(), 0)), d.port(), d.tlsRequired(), false);
    }

    /** The site of an MX destination's records (not empty). */
    static Site mx(List<Exchanger> exchangers, Destination d) {
        return mx(exchangers, d, false);
    }

    /** REM-03: the site of an MX destination without MX records. */
    static Site implicit(Destination d) {
        return mx(List.of(new Exchanger(d.host(), 0)), d, true);
    }

    private static Site mx(List<Exchanger> exchangers, Destination d, boolean implicit) {
        List<Exchanger> sorted = new ArrayList<>(exchangers);
        sorted.sort(Comparator.comparingInt(Exchanger::preference).thenComparing(Exchanger::host));
        TreeSet<String> names = new TreeSet<>();
        for (Exchanger e : sorted) names.add(e.host());
        return new Site(String.join(",", names) + (d.tlsRequired() ? " tls-required" : ""), Destination.Kind.MX,
                sorted, d.port(), d.tlsRequired(), implicit);
    }

    /** The host names control/shaping's site scopes are matched against. */
    List<String> names() {
        List<String> names = new ArrayList<>(exchangers.size());
        for (Exchanger e : exchangers) names.add(e.host());
        return names;
    }
}
