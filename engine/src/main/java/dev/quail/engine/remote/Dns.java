package dev.quail.engine.remote;

import dev.quail.engine.delivery.Outcome;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;

/**
 * Where a {@link Destination}'s mail goes, in two steps, looked up with dnsjava through the resolver it is given
 * (control/dnsservers, else the system's), asynchronously, CNAMEs followed: first its {@link Site} (the MX hosts, so
 * that the RemoteSpawn can group recipients by site before any connection), cached per domain for the MX records'
 * TTL ({@link #IMPLICIT_TTL_MILLIS} for a domain without MX records); then, for each set of new connections, the
 * site's addresses to try, in order (REM-01..05).
 *
 * <ul>
 * <li>MX: records in ascending preference, equal preferences shuffled (REM-04); each MX host's A then AAAA
 * addresses, in answer order; MX hosts that fail temporarily are left out when others resolved. A domain
 * with no MX (NXDOMAIN or no MX records) is its own MX at preference 0. A null MX (RFC 7505: target ".")
 * fails permanently (#5.1.10).
 * <li>Self-MX rule (REM-05): if one of the addresses is this host's, only MXs of better preference are
 * used; if none is left the delivery fails permanently (#5.4.6). Not for smtproutes relays.
 * <li>Relay: its A/AAAA addresses (or the IP it is), as if it were the only MX.
 * <li>Failures, in qmail's words: timeouts, SERVFAIL and the like are temporary (#4.1.2); a name that does
 * not exist is permanent (#5.1.2); a name without addresses is permanent (#5.4.4).
 * </ul>
 *
 * <p>What a DNS answer can make a delivery do is bounded: the best {@link #MAX_EXCHANGERS} MX records are used
 * (each costs two lookups), {@link #MAX_ADDRESSES_PER_NAME} addresses of each name, {@link #MAX_ADDRESSES}
 * addresses in all (each may cost a timeoutconnect), and a chain of more than {@link #MAX_CNAME_DEPTH} CNAMEs is
 * a temporary failure, as qmail-remote's CNAME lookup was (REM-07). Postfix tries fewer (smtp_mx_address_limit
 * 5); these keep qmail's "every MX in order" for any real domain.
 */
final class Dns {
    static final String TEMPORARY = "Sorry, I couldn't find any host by that name. (#4.1.2)";
    static final String NO_ADDRESS = "Sorry, I couldn't find a mail exchanger or IP address. (#5.4.4)";
    static final String SELF = "Sorry. Although I'm listed as a best-preference MX or A for that host,\n"
            + "it isn't in my control/locals file, so I don't treat it as local. (#5.4.6)";

    static final int MAX_EXCHANGERS = 10;
    static final int MAX_ADDRESSES_PER_NAME = 10;
    static final int MAX_ADDRESSES = 20;
    static final int MAX_CNAME_DEPTH = 10;
    /** dnsjava does not hand out the negative TTL of "no MX records": an implicit MX is kept this long. */
    static final long IMPLICIT_TTL_MILLIS = 60_000;
    /** Sites cached beyond this many domains make the expired ones go. */
    static final int CACHE_PURGE_AT = 10_000;

    /** A domain's site, or why it has none (a null MX, a DNS failure). */
    sealed interface SiteLookup {
        record Found(Site site) implements SiteLookup {}

        record Failed(Outcome outcome) implements SiteLookup {}
    }

    sealed interface Resolution {
        record Found(List<InetAddress> addresses) implements Resolution {}

        record Failed(Outcome outcome) implements Resolution {}
    }

    private enum Status { OK, HARD, SOFT }

    /** One name's addresses, or why there are none. */
    private record Addresses(Status status, List<InetAddress> list) {}

    private record Candidate(InetAddress ip, int preference) {}

    /** A domain's site lookup, finished or in flight, and until when it may be used. */
    private record Cached(CompletableFuture<SiteLookup> lookup, long expiresMillis) {}

    private final LookupSession session;
    private final Predicate<InetAddress> local;
    private final Random random;
    private final LongSupplier clock;
    private final Map<String, Cached> sites = new ConcurrentHashMap<>();

    Dns(Resolver resolver, Predicate<InetAddress> local, Random random, LongSupplier clock) {
        this.session = LookupSession.builder().resolver(resolver).cache(new Cache(DClass.IN))
                .maxRedirects(MAX_CNAME_DEPTH).build();
        this.local = local;
        this.random = random;
        this.clock = clock;
    }

    /**
     * The destination's site. One lookup per domain at a time: whoever asks while it runs gets the same answer.
     * A site found is kept for its TTL; a failure is not kept.
     */
    CompletionStage<SiteLookup> site(Destination d) {
        if (d.kind() != Destination.Kind.MX) return done(new SiteLookup.Found(Site.of(d)));
        long now = clock.getAsLong();
        Cached known = sites.get(d.key());
        if (known != null && (known.expiresMillis() > now || !known.lookup().isDone())) return known.lookup();
        if (sites.size() >= CACHE_PURGE_AT) sites.values().removeIf(c -> c.lookup().isDone() && c.expiresMillis() <= now);
        Cached mine = new Cached(new CompletableFuture<>(), Long.MAX_VALUE);
        sites.put(d.key(), mine);
        exchangers(d).whenComplete((found, failure) -> {
            SiteLookup lookup = failure == null ? found.lookup()
                    : new SiteLookup.Failed(new Outcome.Deferral(TEMPORARY));
            if (failure == null && found.ttlMillis() > 0) {
                sites.replace(d.key(), mine, new Cached(mine.lookup(), clock.getAsLong() + found.ttlMillis()));
            } else {
                sites.remove(d.key(), mine);
            }
            mine.lookup().complete(lookup);
        });
        return mine.lookup();
    }

    /** The addresses to try for a site, in order. */
    CompletionStage<Resolution> resolve(Site site) {
        String host = site.exchangers().get(0).host();
        Optional<InetAddress> literal = Destination.literal(host);
        switch (site.kind()) {
            case LITERAL:
                return done(notSelf(List.of(new Candidate(literal.orElseThrow(), 0))));
            case RELAY:
                if (literal.isPresent()) return done(new Resolution.Found(List.of(literal.get())));
                return addresses(host).thenApply(a -> a.status() == Status.OK && !a.list().isEmpty()
                        ? new Resolution.Found(a.list()) : failed(a, host));
            default:
                return mx(site);
        }
    }

    /** A site lookup's answer and how long it may be kept (0: not at all). */
    private record Answer(SiteLookup lookup, long ttlMillis) {}

    private CompletionStage<Answer> exchangers(Destination d) {
        String domain = d.host();
        Optional<Name> name = name(domain);
        if (name.isEmpty()) return done(new Answer(implicit(d), 0));
        return session.lookupAsync(name.get(), Type.MX).handle((result, error) -> {
            if (error != null) {
                Throwable cause = unwrap(error);
                if (cause instanceof NoSuchDomainException || cause instanceof NoSuchRRSetException) {
                    return new Answer(implicit(d), IMPLICIT_TTL_MILLIS);
                }
                return new Answer(new SiteLookup.Failed(new Outcome.Deferral(TEMPORARY)), 0);
            }
            List<Site.Exchanger> usable = new ArrayList<>();
            long ttl = Long.MAX_VALUE;
            boolean any = false;
            for (Record r : result.getRecords()) {
                if (!(r instanceof MXRecord mx)) continue;
                any = true;
                ttl = Math.min(ttl, r.getTTL() * 1000);
                if (!mx.getTarget().equals(Name.root)) usable.add(new Site.Exchanger(host(mx.getTarget()), mx.getPriority()));
            }
            if (!any) return new Answer(implicit(d), IMPLICIT_TTL_MILLIS);
            if (usable.isEmpty()) {
                return new Answer(new SiteLookup.Failed(new Outcome.Failure(
                        "Sorry, " + safe(domain) + " does not accept mail (null MX, RFC 7505). (#5.1.10)")), 0);
            }
            usable.sort(Comparator.comparingInt(Site.Exchanger::preference));
            return new Answer(new SiteLookup.Found(Site.mx(first(usable, MAX_EXCHANGERS), d)), ttl);
        });
    }

    /** REM-03: a domain without MX records is its own MX. */
    private static SiteLookup implicit(Destination d) {
        return new SiteLookup.Found(Site.implicit(d));
    }

    private CompletionStage<Resolution> mx(Site site) {
        List<Site.Exchanger> ordered = ordered(site.exchangers());
        List<CompletableFuture<Addresses>> lookups = new ArrayList<>();
        for (Site.Exchanger mx : ordered) lookups.add(addresses(mx.host()).toCompletableFuture());
        return CompletableFuture.allOf(lookups.toArray(new CompletableFuture<?>[0])).thenApply(ignored -> {
            List<Candidate> candidates = new ArrayList<>();
            boolean soft = false;
            for (int i = 0; i < ordered.size(); i++) {
                Addresses a = lookups.get(i).join();
                if (a.status() == Status.SOFT) soft = true;
                for (InetAddress ip : a.list()) candidates.add(new Candidate(ip, ordered.get(i).preference()));
            }
            if (candidates.isEmpty()) {
                if (site.implicit()) return failed(lookups.get(0).join(), ordered.get(0).host());
                return new Resolution.Failed(soft ? new Outcome.Deferral(TEMPORARY) : new Outcome.Failure(NO_ADDRESS));
            }
            return notSelf(candidates);
        });
    }

    /** REM-04: ascending preference, a random order among equals. */
    private List<Site.Exchanger> ordered(List<Site.Exchanger> sorted) {
        List<Site.Exchanger> ordered = new ArrayList<>(sorted.size());
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j < sorted.size() && sorted.get(j).preference() == sorted.get(i).preference()) j++;
            List<Site.Exchanger> equal = new ArrayList<>(sorted.subList(i, j));
            Collections.shuffle(equal, random);
            ordered.addAll(equal);
            i = j;
        }
        return ordered;
    }

    /** REM-05. */
    private Resolution notSelf(List<Candidate> candidates) {
        int mine = Integer.MAX_VALUE;
        for (Candidate c : candidates) {
            if (local.test(c.ip())) mine = Math.min(mine, c.preference());
        }
        Set<InetAddress> ips = new LinkedHashSet<>();
        for (Candidate c : candidates) {
            if (c.preference() < mine) ips.add(c.ip());
        }
        if (ips.isEmpty()) return new Resolution.Failed(new Outcome.Failure(SELF));
        return new Resolution.Found(first(List.copyOf(ips), MAX_ADDRESSES));
    }

    private CompletionStage<Addresses> addresses(String host) {
        Optional<Name> name = name(host);
        if (name.isEmpty()) return CompletableFuture.completedFuture(new Addresses(Status.HARD, List.of()));
        return addresses(name.get());
    }

    /** A then AAAA; a name that does not exist is HARD; with no address, any temporary trouble makes it SOFT. */
    private CompletionStage<Addresses> addresses(Name name) {
        CompletableFuture<Addresses> v4 = lookup(name, Type.A).toCompletableFuture();
        CompletableFuture<Addresses> v6 = lookup(name, Type.AAAA).toCompletableFuture();
        return v4.thenCombine(v6, (a, b) -> {
            if (a.status() == Status.HARD || b.status() == Status.HARD) return new Addresses(Status.HARD, List.of());
            List<InetAddress> list = new ArrayList<>(a.list());
            list.addAll(b.list());
            boolean soft = a.status() == Status.SOFT || b.status() == Status.SOFT;
            return new Addresses(list.isEmpty() && soft ? Status.SOFT : Status.OK, first(list, MAX_ADDRESSES_PER_NAME));
        });
    }

    private CompletionStage<Addresses> lookup(Name name, int type) {
        return session.lookupAsync(name, type).handle((result, error) -> {
            if (error != null) {
                Throwable cause = unwrap(error);
                if (cause instanceof NoSuchDomainException) return new Addresses(Status.HARD, List.of());
                if (cause instanceof NoSuchRRSetException) return new Addresses(Status.OK, List.of());
                return new Addresses(Status.SOFT, List.of());
            }
            List<InetAddress> list = new ArrayList<>();
            for (Record r : result.getRecords()) {
                if (r instanceof ARecord a) list.add(a.getAddress());
                if (r instanceof AAAARecord aaaa) list.add(aaaa.getAddress());
            }
            return new Addresses(Status.OK, list);
        });
    }

    /** A DNS name as a site names its host: lower case, no final dot. */
    private static String host(Name name) {
        return name.toString(true).toLowerCase(Locale.ROOT);
    }

    private static <T> List<T> first(List<T> list, int max) {
        return list.size() <= max ? list : List.copyOf(list.subList(0, max));
    }

    private static Resolution failed(Addresses a, String host) {
        return switch (a.status()) {
            case SOFT -> new Resolution.Failed(new Outcome.Deferral(TEMPORARY));
            case HARD -> new Resolution.Failed(new Outcome.Failure(
                    "Sorry, I couldn't find any host named " + safe(host) + ". (#5.1.2)"));
            case OK -> new Resolution.Failed(new Outcome.Failure(NO_ADDRESS));
        };
    }

    private static Optional<Name> name(String host) {
        if (host.isEmpty()) return Optional.empty();
        try {
            return Optional.of(Name.fromString(host.endsWith(".") ? host : host + ".", Name.root));
        } catch (TextParseException e) {
            return Optional.empty();
        }
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /** qmail-remote's outsafe: octets outside printable ASCII become '?'. */
    private static String safe(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c < 33 || c > 126 ? '?' : c);
        }
        return b.toString();
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
