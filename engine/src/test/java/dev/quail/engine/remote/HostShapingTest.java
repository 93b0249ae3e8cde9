package dev.quail.engine.remote;


import dev.quail.config.HostList;
import dev.quail.config.Routes;
import dev.quail.config.Shaping;
import dev.quail.engine.Controls;
import dev.quail.engine.LocalAddresses;
import dev.quail.engine.MemoryBodies;
import dev.quail.engine.TestHomes;
import dev.quail.engine.delivery.DeliveryResult;
import dev.quail.engine.delivery.MessageBody;
import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.dkim.DkimSigner;
import dev.quail.engine.lists.Lists;
import dev.quail.engine.lists.UnsubscribeFields;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One Host against SMTP peers on loopback (127.0.84.x), with a stand-in for the RemoteSpawn that grants every
 * permit (or none) and records what the Host tells it: control/shaping's limits each at its edge, the ready cap,
 * holds, control/responses, a silent close after so many messages, and mx-fallback.
 */
class HostShapingTest {
    private static final MemoryBodies STORE = new MemoryBodies();
    private static final MessageBody BODY = STORE.put("msg-s", "Subject: s\n\nbody\n".getBytes(StandardCharsets.ISO_8859_1));
    private static ActorTestKit testKit;
    private static Dnsmasq dnsmasq;
    @RegisterExtension
    final Peers peers = new Peers();
    private final TestProbe<RemoteSpawn.Command> told = testKit.createTestProbe();
    private final TestProbe<DeliveryResult> results = testKit.createTestProbe();
    private int batches;

    @BeforeAll
    static void start() throws Exception {
        testKit = ActorTestKit.create();
        dnsmasq = Dnsmasq.start(List.of(
                "mx-host=two.test,mx1.two.test,10",
                "mx-host=two.test,mx2.two.test,20",
                "host-record=mx1.two.test,127.0.84.21",
                "host-record=mx2.two.test,127.0.84.22"));
    }

    @AfterAll
    static void stop() throws Exception {
        testKit.shutdownTestKit();
        dnsmasq.close();
    }

    private static Site literal(String ip, int port) {
        return Site.of(new Destination("[" + ip + "]", Destination.Kind.LITERAL, ip, port, false));
    }

    /** A Host for {@code site} with these control/shaping values; {@code grant}: every permit asked for is given. */
    private ActorRef<Host.Command> host(Site site, String shaping, Map<String, String> files, boolean grant)
            throws Exception {
        Map<String, String> all = new HashMap<>(files);
        all.put("dnsservers", dnsmasq.server() + "\n");
        Controls controls = TestHomes.controls(all);
        var shared = new RemoteSpawn.Shared(controls, new CurrentDns(CurrentDns::standardResolver, new LocalAddresses(),
                System::currentTimeMillis), new AtomicLong(), () -> Duration.ofMillis(500), STORE,
                System::currentTimeMillis, DkimSigner.of(controls.home().control()),
                    new UnsubscribeFields(Lists.of(controls.home().root())));
        Shaping.Limits limits = Shaping.parse(List.of("default " + shaping)).forSite(site.names());
        Host.Setup setup = new Host.Setup(site.key(), site, limits, new DownedHosts(System::currentTimeMillis,
                3_840_000, false), new SiteStats());
        AtomicReference<ActorRef<Host.Command>> self = new AtomicReference<>();
        ActorRef<RemoteSpawn.Command> spawn = testKit.spawn(Behaviors.receive(RemoteSpawn.Command.class)
                .onAnyMessage(m -> {
                    if (grant && m instanceof RemoteSpawn.Acquire) self.get().tell(new Host.Grant(false));
                    told.ref().tell(m);
                    return Behaviors.same();
                }).build());
        ActorRef<Host.Command> host = testKit.spawn(Host.create(setup, spawn, shared));
        self.set(host);
        return host;
    }

    private Batch batch(String... recipients) {
        List<RemoteJob.Target> targets = new ArrayList<>();
        for (int i = 0; i < recipients.length; i++) targets.add(new RemoteJob.Target(i, "a@x.org", recipients[i]));
        return new Batch("m" + ++batches, BODY, "a@x.org", targets, results.ref(), List.of());
    }

    private List<Outcome> outcomes(int n, Duration max) {
        List<Outcome> out = new ArrayList<>();
        for (DeliveryResult r : results.receiveSeveralMessages(n, max)) out.add(r.outcome());
        return out;
    }

    private static void allSucceeded(List<Outcome> outcomes) {
        outcomes.forEach(o -> assertTrue(o instanceof Outcome.Success, o.toString()));
    }

    @Test
    void connectionsAndMessagesPerConnectionAreNeverExceededAndReached() throws Exception {
        SmtpPeer peer = peers.start("127.0.84.2");
        peer.finalDelayMillis = 100;
        var host = host(literal("127.0.84.2", peer.port), "connections=2 messages-per-connection=3", Map.of(), true);
        for (int i = 0; i < 13; i++) host.tell(new Host.Deliver(batch("r" + i + "@y.test")));
        allSucceeded(outcomes(13, Duration.ofSeconds(20)));
        assertEquals(2, peer.maxOpen.get(), "at most, and at last, 2 connections");
        testKit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
            assertEquals(13, peer.perConnection.stream().mapToInt(Integer::intValue).sum());
            return null;
        });
        assertEquals(3, Collections.max(peer.perConnection), "at most, and at last, 3 messages a connection");
        assertTrue(peer.connections.get() >= 5, "13 messages at 3 a connection: " + peer.perConnection);
    }

    @Test
    void theMessageRateAllowsOneSecondsBurstThenKeepsTheRate() throws Exception {
        SmtpPeer peer = peers.start("127.0.84.3");
        var host = host(literal("127.0.84.3", peer.port), "connections=1 message-rate=10/s", Map.of(), true);
        for (int i = 0; i < 25; i++) host.tell(new Host.Deliver(batch("r" + i + "@y.test")));
        allSucceeded(outcomes(25, Duration.ofSeconds(20)));
        List<Long> at = peer.acceptedAt;
        double seconds = (at.get(24) - at.get(0)) / 1e9;
        assertTrue(seconds >= 1.3 && seconds < 10, "10 at once, then the rest at 10/s: " + seconds + " s");
        for (int i = 0; i < at.size(); i++) {
            for (int j = i + 1; j < at.size(); j++) {
                double within = (at.get(j) - at.get(i)) / 1e9;
                assertTrue(j - i + 1 <= 10 + Math.ceil(10 * within) + 1,
                        (j - i + 1) + " messages within " + within + " s: more than the burst and the rate allow");
            }
        }
    }

    @Test
    void theConnectionRateSpacesNewConnections() throws Exception {
        SmtpPeer peer = peers.start("127.0.84.4");
        var host = host(literal("127.0.84.4", peer.port), "messages-per-connection=1 connection-rate=2/s", Map.of(),
                true);
        long start = System.nanoTime();
        for (int i = 0; i < 6; i++) host.tell(new Host.Deliver(batch("r" + i + "@y.test")));
        allSucceeded(outcomes(6, Duration.ofSeconds(20)));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(6, peer.connections.get());
        assertTrue(seconds >= 1.9 && seconds < 10, "2 at once, then 4 at 2/s: " + seconds + " s");
    }

    @Test
    void beyondTheReadyCapABatchIsPostponedButABigOneAloneIsTaken() throws Exception {
        var host = host(literal("127.0.84.5", 25), "ready-recipients=3", Map.of(), false);
        host.tell(new Host.Deliver(batch("big1@y.test", "big2@y.test", "big3@y.test", "big4@y.test")));
        results.expectNoMessage(Duration.ofMillis(200));
        host.tell(new Host.Deliver(batch("one@y.test")));
        long now = System.currentTimeMillis();
        Outcome postponed = results.receiveMessage(Duration.ofSeconds(5)).outcome();
        assertTrue(postponed instanceof Outcome.Postponed, postponed.toString());
        long due = ((Outcome.Postponed) postponed).dueMillis();
        assertTrue(due >= now + Budget.MIN_OVERFLOW_MILLIS && due <= now + 2 * Budget.NOMINAL_DRAIN_MILLIS + 1000,
                "due in " + (due - now) + " ms");

        var edge = host(literal("127.0.84.6", 25), "ready-recipients=3", Map.of(), false);
        for (int i = 0; i < 3; i++) edge.tell(new Host.Deliver(batch("r" + i + "@y.test")));
        results.expectNoMessage(Duration.ofMillis(300));
        edge.tell(new Host.Deliver(batch("r3@y.test")));
        assertTrue(results.receiveMessage(Duration.ofSeconds(5)).outcome() instanceof Outcome.Postponed,
                "the fourth recipient is one too many");
    }

    @Test
    void aHeldSiteHandsItsMailBackAndAHeldDomainOnlyThatDomains() throws Exception {
        var host = host(literal("127.0.84.7", 25), "connections=1", Map.of(), false);
        host.tell(new Host.Deliver(batch("a@a.test", "b@b.test")));
        host.tell(new Host.Hold(false, Set.of("b.test")));
        assertEquals(List.of("b@b.test"), handedBack());
        host.tell(new Host.Hold(true, Set.of()));
        assertEquals(List.of("a@a.test"), handedBack());
        host.tell(new Host.Deliver(batch("c@c.test")));
        assertEquals(List.of("c@c.test"), handedBack());
        results.expectNoMessage(Duration.ofMillis(200));
    }

    /** The addresses of the next batch the Host hands back to the spawn. */
    private List<String> handedBack() {
        RemoteSpawn.Postpone back = (RemoteSpawn.Postpone) next(RemoteSpawn.Postpone.class);
        return back.batch().targets().stream().map(RemoteJob.Target::address).toList();
    }

    private RemoteSpawn.Command next(Class<?> kind) {
        return told.fishForMessage(Duration.ofSeconds(10), m -> kind.isInstance(m)
                        ? FishingOutcomes.complete()
                        : FishingOutcomes.continueAndIgnore())
                .stream().filter(kind::isInstance).findFirst().orElseThrow();
    }

    @Test
    void suspendAndThrottleMatchesGoToTheSpawnAndABounceRuleFailsAtOnce() throws Exception {
        SmtpPeer peer = peers.start("127.0.84.8");
        AtomicInteger mails = new AtomicInteger();
        peer.mail = accepted -> mails.getAndIncrement() == 0 ? "421 4.7.28 slow down now" : null;
        peer.rcpt = r -> r.startsWith("limited") ? "450 4.2.1 receiving mail at a rate that is too high" : "250 ok";
        var host = host(literal("127.0.84.8", peer.port), "connections=1", Map.of("responses",
                "/^421 4\\.7\\.28 / suspend for=1m\n/^450 4\\.2\\.1 .*rate/ bounce\n"), true);
        host.tell(new Host.Deliver(batch("first@y.test")));
        RemoteSpawn.Matched matched = (RemoteSpawn.Matched) next(RemoteSpawn.Matched.class);
        assertEquals("421 4.7.28 slow down now", matched.matches().get(0).line());
        assertEquals("y.test", matched.matches().get(0).domain());
        assertEquals(List.of(new Outcome.Deferral("Connected to 127.0.84.8 but sender was rejected.\n"
                + "Remote host said: 421 4.7.28 slow down now")), matched.outcomes());
        results.expectNoMessage(Duration.ofMillis(200)); // the spawn answers those

        host.tell(new Host.Deliver(batch("limited@y.test", "fine@y.test")));
        Map<Integer, Outcome> byRecipient = new HashMap<>();
        for (DeliveryResult r : results.receiveSeveralMessages(2, Duration.ofSeconds(10))) {
            byRecipient.put(r.recipient(), r.outcome());
        }
        assertEquals(new Outcome.Failure("127.0.84.8 does not like recipient.\nRemote host said: 450 4.2.1 receiving"
                + " mail at a rate that is too high\n" + Host.BOUNCED), byRecipient.get(0));
        assertTrue(byRecipient.get(1) instanceof Outcome.Success);
    }

    @Test
    void aPeerClosingSilentlyAfterItsMessagesIsNotAFailure() throws Exception {
        SmtpPeer peer = peers.start("127.0.84.9");
        peer.closeAfter = 4;
        var host = host(literal("127.0.84.9", peer.port), "connections=1", Map.of(), true);
        for (int i = 0; i < 10; i++) host.tell(new Host.Deliver(batch("r" + i + "@y.test")));
        allSucceeded(outcomes(10, Duration.ofSeconds(20)));
        assertEquals(10, peer.transactions.size(), "each message once");
        assertEquals(3, peer.connections.get(), "4 + 4 + 2");
    }

    @Test
    void withMxFallbackA421GreetingSendsTheMessageToTheNextMx() throws Exception {
        SmtpPeer peer = peers.start("127.0.84.21", "127.0.84.22");
        peer.greeting = local -> local.equals("127.0.84.21") ? "421 4.4.5 try later" : "220 peer ESMTP";
        Destination two = Destination.of("two.test", new Routes(Map.of()), peer.port,
                HostList.of(List.of()));
        Dns dns = new Dns(dnsmasq.resolver(Duration.ofSeconds(1)), new LocalAddresses(), new Random(),
                System::currentTimeMillis);
        Site site = ((Dns.SiteLookup.Found) dns.site(two).toCompletableFuture().get(10, TimeUnit.SECONDS)).site();

        var fallback = host(site, "mx-fallback=yes", Map.of(), true);
        fallback.tell(new Host.Deliver(batch("r@two.test")));
        assertEquals(new Outcome.Success("127.0.84.22 accepted message.\nRemote host said: 250 ok 1"),
                results.receiveMessage(Duration.ofSeconds(10)).outcome());

        var qmail = host(site, "mx-fallback=no", Map.of(), true);
        qmail.tell(new Host.Deliver(batch("r@two.test")));
        assertEquals(new Outcome.Deferral("Connected to 127.0.84.21 but greeting failed.\n"
                + "Remote host said: 421 4.4.5 try later"), results.receiveMessage(Duration.ofSeconds(10)).outcome());
    }
}
