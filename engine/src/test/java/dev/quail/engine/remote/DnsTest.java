package dev.quail.engine.remote;


import dev.quail.config.HostList;
import dev.quail.config.Routes;
import dev.quail.engine.LocalAddresses;
import dev.quail.engine.delivery.Outcome;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MX routing against a real DNS server (dnsmasq): REM-01..05, RFC 7505. */
class DnsTest {
    private static final HostList NO_TLS = HostList.of(List.of());

    private static final long TTL_SECONDS = 30;
    private static Dnsmasq dnsmasq;
    /** Answers as large as a peer can make them. */
    private static Dnsmasq boundsDns;

    @BeforeAll
    static void start() throws Exception {
        int dead;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            dead = s.getLocalPort();
        }
        dnsmasq = Dnsmasq.start(List.of(
                "local-ttl=" + TTL_SECONDS,
                "mx-host=swapped.test,mx1.remote.test,30",
                "mx-host=swapped.test,mx2.remote.test,5",
                "mx-host=remote.test,mx1.remote.test,10",
                "mx-host=remote.test,mx2.remote.test,20",
                "host-record=mx1.remote.test,127.0.83.2",
                "host-record=mx2.remote.test,127.0.83.3",
                "mx-host=equal.test,e1.equal.test,10",
                "mx-host=equal.test,e2.equal.test,10",
                "host-record=e1.equal.test,127.0.83.11",
                "host-record=e2.equal.test,127.0.83.12",
                "host-record=nomx.test,127.0.83.4",
                "host-record=dual.test,127.0.83.5,fd00::5",
                "dns-rr=nullmx.test,15,000000",
                "cname=alias.test,remote.test",
                "mx-host=self.test,me.self.test,10",
                "host-record=me.self.test,127.0.0.1",
                "mx-host=backup.test,best.backup.test,5",
                "mx-host=backup.test,me.backup.test,10",
                "mx-host=backup.test,worse.backup.test,20",
                "host-record=best.backup.test,127.0.83.6",
                "host-record=me.backup.test,127.0.0.1",
                "host-record=worse.backup.test,127.0.83.13",
                "mx-host=primary.test,me.primary.test,10",
                "mx-host=primary.test,other.primary.test,20",
                "host-record=me.primary.test,127.0.0.1",
                "host-record=other.primary.test,127.0.83.14",
                "mx-host=noaddr.test,ghost.noaddr.test,10",
                "mx-host=halfbad.test,ghost.halfbad.test,10",
                "mx-host=halfbad.test,ok.halfbad.test,20",
                "host-record=ok.halfbad.test,127.0.83.7",
                "host-record=relay.test,127.0.83.8",
                "server=/tempfail.test/127.0.0.1#" + dead));
        List<String> bounds = new ArrayList<>();
        for (int i = 1; i <= Dns.MAX_EXCHANGERS + 2; i++) {
            bounds.add("mx-host=many.test,mx" + i + ".many.test," + i);
            bounds.add("host-record=mx" + i + ".many.test,127.0.86." + i);
        }
        for (int k = 0; k < 3; k++) bounds.add("mx-host=wider.test,w" + k + ".wider.test," + (10 + k));
        for (int i = 1; i <= Dns.MAX_ADDRESSES_PER_NAME + 2; i++) {
            bounds.add("host-record=wide.test,127.0.87." + i);
            for (int k = 0; k < 3; k++) bounds.add("host-record=w" + k + ".wider.test,127.0.88." + (k * 20 + i));
        }
        for (int i = 1; i <= Dns.MAX_CNAME_DEPTH + 1; i++) bounds.add("cname=deep" + i + ".test,deep" + (i + 1) + ".test");
        bounds.add("host-record=deep" + (Dns.MAX_CNAME_DEPTH + 2) + ".test,127.0.89.1");
        boundsDns = Dnsmasq.start(bounds);
    }

    @AfterAll
    static void stop() throws Exception {
        dnsmasq.close();
        boundsDns.close();
    }

    private static final AtomicLong CLOCK = new AtomicLong(1_000_000);

    private static Dns dns(Random random) {
        return new Dns(dnsmasq.resolver(Duration.ofSeconds(1)), new LocalAddresses(), random, CLOCK::get);
    }

    private static Destination mx(String domain) {
        return Destination.of(domain, new Routes(Map.of()), 25, NO_TLS);
    }

    private static Dns.Resolution resolve(String domain) throws Exception {
        return resolve(mx(domain));
    }

    private static Dns.Resolution resolve(Destination d) throws Exception {
        return resolve(dns(new Random()), d);
    }

    /** Both steps, as the RemoteSpawn and then the Host take them. */
    private static Dns.Resolution resolve(Dns dns, Destination d) throws Exception {
        Dns.SiteLookup lookup = site(dns, d);
        if (lookup instanceof Dns.SiteLookup.Failed f) return new Dns.Resolution.Failed(f.outcome());
        return dns.resolve(((Dns.SiteLookup.Found) lookup).site()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Dns.SiteLookup site(Dns dns, Destination d) throws Exception {
        return dns.site(d).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Site siteOf(Dns dns, String domain) throws Exception {
        return ((Dns.SiteLookup.Found) site(dns, mx(domain))).site();
    }

    private static Dns.Resolution found(String... ips) throws Exception {
        InetAddress[] addresses = new InetAddress[ips.length];
        for (int i = 0; i < ips.length; i++) addresses[i] = InetAddress.getByName(ips[i]);
        return new Dns.Resolution.Found(List.of(addresses));
    }

    private static Dns.Resolution failure(String text) {
        return new Dns.Resolution.Failed(new Outcome.Failure(text));
    }

    private static Dns.Resolution deferral(String text) {
        return new Dns.Resolution.Failed(new Outcome.Deferral(text));
    }

    @Test
    void rem04_mxInAscendingPreference() throws Exception {
        assertEquals(found("127.0.83.2", "127.0.83.3"), resolve("remote.test"));
        assertEquals(found("127.0.83.2", "127.0.83.3"), resolve("REMOTE.test"));
    }

    @Test
    void rem04_equalPreferencesInRandomOrder() throws Exception {
        Dns dns = dns(new Random(7));
        Set<Dns.Resolution> seen = new HashSet<>();
        for (int i = 0; i < 40; i++) seen.add(resolve(dns, mx("equal.test")));
        assertEquals(Set.of(found("127.0.83.11", "127.0.83.12"), found("127.0.83.12", "127.0.83.11")), seen);
    }

    @Test
    void rem03_noMxMeansTheDomainsOwnAddresses() throws Exception {
        assertEquals(found("127.0.83.4"), resolve("nomx.test"));
    }

    @Test
    void aaaaAddressesFollowTheARecords() throws Exception {
        assertEquals(found("127.0.83.5", "fd00::5"), resolve("dual.test"));
    }

    @Test
    void cnamesAreFollowed() throws Exception {
        assertEquals(found("127.0.83.2", "127.0.83.3"), resolve("alias.test"));
    }

    @Test
    void rem03_aDomainThatDoesNotExistFailsPermanently() throws Exception {
        assertEquals(failure("Sorry, I couldn't find any host named nx.test. (#5.1.2)"), resolve("nx.test"));
    }

    @Test
    void rfc7505_nullMxFailsPermanently() throws Exception {
        assertEquals(failure("Sorry, nullmx.test does not accept mail (null MX, RFC 7505). (#5.1.10)"),
                resolve("nullmx.test"));
    }

    @Test
    void rem03_mxHostsWithoutAddressesFailPermanently() throws Exception {
        assertEquals(failure(Dns.NO_ADDRESS), resolve("noaddr.test"));
    }

    @Test
    void rem04_anMxHostThatDoesNotResolveIsLeftOut() throws Exception {
        assertEquals(found("127.0.83.7"), resolve("halfbad.test"));
    }

    @Test
    void rem03_aDnsTimeoutIsTemporary() throws Exception {
        long start = System.nanoTime();
        assertEquals(deferral(Dns.TEMPORARY), resolve("x.tempfail.test"));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(8));
    }

    @Test
    void rem03_aRefusedQueryIsTemporary() throws Exception {
        assertEquals(deferral(Dns.TEMPORARY), resolve("example.com"));
    }

    @Test
    void rem05_beingTheBestMxOfANonLocalDomainFailsPermanently() throws Exception {
        assertEquals(failure(Dns.SELF), resolve("self.test"));
        assertEquals(failure(Dns.SELF), resolve("primary.test"));
        assertEquals(failure(Dns.SELF), resolve("[127.0.0.1]"));
    }

    @Test
    void aSiteIsTheSortedSetOfMxHostsWhateverTheirPreferencesOrTheDomain() throws Exception {
        Dns dns = dns(new Random());
        Site remote = siteOf(dns, "remote.test");
        assertEquals("mx1.remote.test,mx2.remote.test", remote.key());
        assertEquals(List.of("mx1.remote.test", "mx2.remote.test"), remote.names());
        assertEquals(remote.key(), siteOf(dns, "swapped.test").key(), "same hosts, other preferences: one site");
        assertEquals(List.of(new Site.Exchanger("mx2.remote.test", 5), new Site.Exchanger("mx1.remote.test", 30)),
                siteOf(dns, "swapped.test").exchangers());
        assertEquals("nomx.test", siteOf(dns, "nomx.test").key(), "REM-03: its own MX");
        assertTrue(siteOf(dns, "nomx.test").implicit());
        assertEquals("mx1.remote.test,mx2.remote.test tls-required", ((Dns.SiteLookup.Found) site(dns,
                Destination.of("remote.test", new Routes(Map.of()), 25, HostList.of(List.of("remote.test")))))
                .site().key());
    }

    @Test
    void aDomainsSiteIsKeptForTheTtlOfItsMxRecordsAndAFailureIsNot() throws Exception {
        Dns dns = dns(new Random());
        var first = dns.site(mx("remote.test"));
        first.toCompletableFuture().get(10, TimeUnit.SECONDS);
        CLOCK.addAndGet(TTL_SECONDS * 1000 - 1);
        assertSame(first, dns.site(mx("remote.test")), "within the TTL: no lookup");
        CLOCK.addAndGet(1);
        var second = dns.site(mx("remote.test"));
        assertNotSame(first, second, "at the TTL's end: looked up again");
        assertEquals(first.toCompletableFuture().get(), second.toCompletableFuture().get(10, TimeUnit.SECONDS));
        var failed = dns.site(mx("x.tempfail.test"));
        assertEquals(new Dns.SiteLookup.Failed(new Outcome.Deferral(Dns.TEMPORARY)),
                failed.toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertNotSame(failed, dns.site(mx("x.tempfail.test")));
    }

    @Test
    void rem05_onlyMxsBetterThanThisHostAreUsed() throws Exception {
        assertEquals(found("127.0.83.6"), resolve("backup.test"));
    }

    @Test
    void rem01_aRelayIsLookedUpAsTheOnlyMxAndNeverRefusedAsSelf() throws Exception {
        assertEquals(found("127.0.83.8"), resolve(new Destination("relay relay.test:2525",
                Destination.Kind.RELAY, "relay.test", 2525, false)));
        assertEquals(found("127.0.0.1"), resolve(new Destination("relay 127.0.0.1:2525",
                Destination.Kind.RELAY, "127.0.0.1", 2525, false)));
        assertEquals(failure("Sorry, I couldn't find any host named gone.test. (#5.1.2)"),
                resolve(new Destination("relay gone.test:25", Destination.Kind.RELAY, "gone.test", 25, false)));
    }

    @Test
    void rem02_anAddressLiteralNeedsNoDns() throws Exception {
        assertEquals(found("192.0.2.44"), resolve("[192.0.2.44]"));
    }

    private static Dns.Resolution resolveBounded(String domain) throws Exception {
        return resolve(new Dns(boundsDns.resolver(Duration.ofSeconds(1)), new LocalAddresses(), new Random(),
                CLOCK::get), mx(domain));
    }

    private static List<InetAddress> addresses(Dns.Resolution r) {
        return ((Dns.Resolution.Found) r).addresses();
    }

    @Test
    void bounds_onlyTheBestExchangersAreUsed() throws Exception {
        List<InetAddress> used = addresses(resolveBounded("many.test"));
        assertEquals(Dns.MAX_EXCHANGERS, used.size());
        for (int i = 1; i <= Dns.MAX_EXCHANGERS; i++) {
            assertEquals(InetAddress.getByName("127.0.86." + i), used.get(i - 1));
        }
    }

    @Test
    void bounds_addressesPerNameAndInAll() throws Exception {
        assertEquals(Dns.MAX_ADDRESSES_PER_NAME, addresses(resolveBounded("wide.test")).size());
        List<InetAddress> all = addresses(resolveBounded("wider.test"));
        assertEquals(Dns.MAX_ADDRESSES, all.size());
        assertTrue(all.stream().allMatch(ip -> ip.getHostAddress().startsWith("127.0.88.")
                && Integer.parseInt(ip.getHostAddress().substring(9)) < 40), "w0's and w1's: " + all);
    }

    @Test
    void bounds_aChainOfTooManyCnamesIsTemporary() throws Exception {
        assertEquals(found("127.0.89.1"), resolveBounded("deep3.test"));
        assertEquals(deferral(Dns.TEMPORARY), resolveBounded("deep1.test"));
    }
}
