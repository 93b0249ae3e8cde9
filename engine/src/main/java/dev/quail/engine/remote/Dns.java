package dev.quail.engine.remote;

import dev.quail.engine.delivery.Outcome;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
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
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;

/**
 * The addresses to try for a {@link Destination}, in order (REM-01..05), looked up with dnsjava through the
 * resolver it is given (control/dnsservers, else the system's), asynchronously, CNAMEs followed.
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

    sealed interface Resolution {
        record Found(List<InetAddress> addresses) implements Resolution {}

        record Failed(Outcome outcome) implements Resolution {}
    }

    private enum Status { OK, HARD, SOFT }

    /** One name's addresses, or why there are none. */
    private record Addresses(Status status, List<InetAddress> list) {}

    private record Candidate(InetAddress ip, int preference) {}

    private final LookupSession session;
    private final Predicate<InetAddress> local;
    private final Random random;

    Dns(Resolver resolver, Predicate<InetAddress> local, Random random) {
        this.session = LookupSession.builder().resolver(resolver).cache(new Cache(DClass.IN))
                .maxRedirects(MAX_CNAME_DEPTH).build();
        this.local = local;
        this.random = random;
    }

    CompletionStage<Resolution> resolve(Destination d) {
        Optional<InetAddress> literal = Destination.literal(d.host());
        switch (d.kind()) {
            case LITERAL:
                return done(notSelf(List.of(new Candidate(literal.orElseThrow(), 0))));
            case RELAY:
                if (literal.isPresent()) return done(new Resolution.Found(List.of(literal.get())));
                return addresses(d.host()).thenApply(a -> a.status() == Status.OK && !a.list().isEmpty()
                        ? new Resolution.Found(a.list()) : failed(a, d.host()));
            default:
                return mx(d.host());
        }
    }

    private CompletionStage<Resolution> mx(String domain) {
        Optional<Name> name = name(domain);
        if (name.isEmpty()) return done(failed(new Addresses(Status.HARD, List.of()), domain));
        return session.lookupAsync(name.get(), Type.MX).<CompletionStage<Resolution>>handle((result, error) -> {
            if (error != null) {
                Throwable cause = unwrap(error);
                if (cause instanceof NoSuchDomainException || cause instanceof NoSuchRRSetException) {
                    return implicitMx(domain);
                }
                return done(new Resolution.Failed(new Outcome.Deferral(TEMPORARY)));
            }
            return exchangers(domain, result);
        }).thenCompose(stage -> stage);
    }

    private CompletionStage<Resolution> implicitMx(String domain) {
        return addresses(domain).thenApply(a -> {
            if (a.status() != Status.OK || a.list().isEmpty()) return failed(a, domain);
            List<Candidate> candidates = new ArrayList<>();
            for (InetAddress ip : a.list()) candidates.add(new Candidate(ip, 0));
            return notSelf(candidates);
        });
    }

    private CompletionStage<Resolution> exchangers(String domain, LookupResult result) {
        List<MXRecord> all = new ArrayList<>();
        for (Record r : result.getRecords()) {
            if (r instanceof MXRecord mx) all.add(mx);
        }
        if (all.isEmpty()) return implicitMx(domain);
        List<MXRecord> usable = new ArrayList<>();
        for (MXRecord mx : all) {
            if (!mx.getTarget().equals(Name.root)) usable.add(mx);
        }
        if (usable.isEmpty()) {
            return done(new Resolution.Failed(new Outcome.Failure(
                    "Sorry, " + safe(domain) + " does not accept mail (null MX, RFC 7505). (#5.1.10)")));
        }
        List<MXRecord> ordered = first(ordered(usable), MAX_EXCHANGERS);
        List<CompletableFuture<Addresses>> lookups = new ArrayList<>();
        for (MXRecord mx : ordered) lookups.add(addresses(mx.getTarget()).toCompletableFuture());
        return CompletableFuture.allOf(lookups.toArray(new CompletableFuture<?>[0])).thenApply(ignored -> {
            List<Candidate> candidates = new ArrayList<>();
            boolean soft = false;
            for (int i = 0; i < ordered.size(); i++) {
                Addresses a = lookups.get(i).join();
                if (a.status() == Status.SOFT) soft = true;
                for (InetAddress ip : a.list()) candidates.add(new Candidate(ip, ordered.get(i).getPriority()));
            }
            if (candidates.isEmpty()) {
                return new Resolution.Failed(soft ? new Outcome.Deferral(TEMPORARY) : new Outcome.Failure(NO_ADDRESS));
            }
            return notSelf(candidates);
        });
    }

    /** REM-04: ascending preference, a random order among equals. */
    private List<MXRecord> ordered(List<MXRecord> mxs) {
        List<MXRecord> sorted = new ArrayList<>(mxs);
        sorted.sort(Comparator.comparingInt(MXRecord::getPriority));
        List<MXRecord> ordered = new ArrayList<>(sorted.size());
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j < sorted.size() && sorted.get(j).getPriority() == sorted.get(i).getPriority()) j++;
            List<MXRecord> equal = new ArrayList<>(sorted.subList(i, j));
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
