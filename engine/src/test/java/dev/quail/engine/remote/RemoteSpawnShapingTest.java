package dev.quail.engine.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.engine.MemoryBodies;
import dev.quail.engine.TestHomes;
import dev.quail.engine.delivery.DeliveryResult;
import dev.quail.engine.delivery.MessageBody;
import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.delivery.SpawnStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The RemoteSpawn's shaping with its Hosts, against SMTP peers on loopback (127.0.85.x) and dnsmasq: domains on one
 * MX set share a Host; a control/responses rule suspends a site and its mail is postponed past the end, without the
 * postponements matching anything; a threshold rule waits for its count; and 100,000 messages held by a suspension
 * come back, at its end or when resumed, at no more than the release rate and spread over the interval.
 */
class RemoteSpawnShapingTest {
    private static final MemoryBodies STORE = new MemoryBodies();
    private static final MessageBody BODY = STORE.put("msg-h", "Subject: h\n\nbody\n".getBytes(StandardCharsets.ISO_8859_1));
    private static ActorTestKit testKit;
    private static Dnsmasq dnsmasq;
    @RegisterExtension
    final Peers peers = new Peers();
    private final AtomicLong clock = new AtomicLong(5_000_000_000L);

    @BeforeAll
    static void start() throws Exception {
        testKit = ActorTestKit.create();
        dnsmasq = Dnsmasq.start(List.of(
                "local-ttl=600",
                "mx-host=a.test,mx1.shared.test,10",
                "mx-host=a.test,mx2.shared.test,20",
                "mx-host=b.test,mx2.shared.test,10",
                "mx-host=b.test,mx1.shared.test,20",
                "host-record=mx1.shared.test,127.0.85.2",
                "host-record=mx2.shared.test,127.0.85.3",
                "mx-host=limited.test,mx.limited.test,10",
                "host-record=mx.limited.test,127.0.85.4",
                "mx-host=other.test,mx.other.test,10",
                "host-record=mx.other.test,127.0.85.5"));
    }

    @AfterAll
    static void stop() throws Exception {
        testKit.shutdownTestKit();
        dnsmasq.close();
    }

    private ActorRef<RemoteSpawn.Command> spawn(int mxPort, Map<String, String> files) throws Exception {
        Map<String, String> all = new HashMap<>(files);
        all.put("dnsservers", dnsmasq.server() + "\n");
        RemoteSpawn.Environment env = new RemoteSpawn.Environment(mxPort, CurrentDns::standardResolver, clock::get,
                3_840_000, Optional.of(Duration.ofMillis(500)));
        return testKit.spawn(RemoteSpawn.create(TestHomes.controls(all), new SpawnStatus(), env, STORE));
    }

    private static RemoteJob job(String id, TestProbe<DeliveryResult> probe, String... recipients) {
        List<RemoteJob.Target> targets = new ArrayList<>();
        for (int i = 0; i < recipients.length; i++) targets.add(new RemoteJob.Target(i, "s@x.org", recipients[i]));
        return new RemoteJob(id, BODY, targets, probe.ref());
    }

    private List<RemoteSpawn.SiteView> sites(ActorRef<RemoteSpawn.Command> spawn) {
        TestProbe<RemoteSpawn.SiteList> probe = testKit.createTestProbe();
        spawn.tell(new RemoteSpawn.ListSites(probe.ref()));
        return probe.receiveMessage().sites();
    }

    @Test
    void domainsOnOneMxSetShareOneSiteTransactionAndBudget() throws Exception {
        SmtpPeer peer = peers.start("127.0.85.2", "127.0.85.3");
        peer.finalDelayMillis = 50;
        var spawn = spawn(peer.port, Map.of("shaping", ".shared.test connections=1\n"));
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        spawn.tell(new RemoteSpawn.Deliver(job("m0", probe, "x@a.test", "y@b.test")));
        probe.receiveSeveralMessages(2, Duration.ofSeconds(10))
                .forEach(r -> assertTrue(r.outcome() instanceof Outcome.Success, r.toString()));
        assertEquals(List.of("x@a.test", "y@b.test"), peer.transactions.get(0).recipients(), "one transaction");
        for (int i = 1; i <= 10; i++) spawn.tell(new RemoteSpawn.Deliver(job("m" + i, probe, "u" + i + "@"
                + (i % 2 == 0 ? "a.test" : "b.test"))));
        probe.receiveSeveralMessages(10, Duration.ofSeconds(10))
                .forEach(r -> assertTrue(r.outcome() instanceof Outcome.Success, r.toString()));
        assertEquals(1, peer.maxOpen.get(), "connections=1 for both domains together");
        List<RemoteSpawn.SiteView> sites = sites(spawn);
        assertEquals(1, sites.size());
        assertEquals("mx1.shared.test,mx2.shared.test", sites.get(0).site());
        assertEquals(List.of("a.test", "b.test"), sites.get(0).domains());
        assertTrue(sites.get(0).limits().startsWith("connections=1 "), sites.get(0).limits());
    }

    @Test
    void aSuspendRulePostponesTheSitesMailPastItsEndAndItsOwnDeferralsNeverMatch() throws Exception {
        SmtpPeer peer = peers.start("127.0.85.4", "127.0.85.5");
        AtomicInteger mails = new AtomicInteger();
        peer.mail = accepted -> mails.getAndIncrement() == 0 ? "421-4.7.28 [192.0.2.1] rate limited\r\n"
                + "421 4.7.28 please slow down" : null;
        var spawn = spawn(peer.port, Map.of("responses", "/^421[ -]4\\.7\\.28 / suspend for=1m\n"));
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        long start = clock.get();
        spawn.tell(new RemoteSpawn.Deliver(job("m1", probe, "first@limited.test")));
        Outcome first = probe.receiveMessage(Duration.ofSeconds(10)).outcome();
        assertTrue(first instanceof Outcome.Postponed, "the matched deferral waits for the end: " + first);
        assertTrue(((Outcome.Postponed) first).dueMillis() >= start + 60_000);
        for (int i = 2; i <= 5; i++) spawn.tell(new RemoteSpawn.Deliver(job("m" + i, probe, "u@limited.test")));
        spawn.tell(new RemoteSpawn.Deliver(job("m6", probe, "w@other.test")));
        List<Outcome> later = new ArrayList<>();
        for (DeliveryResult r : probe.receiveSeveralMessages(5, Duration.ofSeconds(10))) later.add(r.outcome());
        assertEquals(1, later.stream().filter(o -> o instanceof Outcome.Success).count(), "the other site flows");
        List<Outcome> held = later.stream().filter(o -> o instanceof Outcome.Postponed).toList();
        assertEquals(4, held.size());
        for (Outcome o : held) {
            assertTrue(o.report().startsWith("Sorry, mail to mx.limited.test is suspended until "), o.report());
            assertTrue(o.report().contains("4.7.28"), "quotes the reply, yet matches nothing");
            assertTrue(((Outcome.Postponed) o).dueMillis() > ((Outcome.Postponed) first).dueMillis());
        }
        assertEquals(1, peer.events.stream().filter(e -> e.equals("127.0.85.4 connect")).count(), "no new connection");
        RemoteSpawn.SiteView view = sites(spawn).stream().filter(s -> s.site().equals("mx.limited.test"))
                .findFirst().orElseThrow();
        assertEquals(start + 60_000, view.suspendedUntil(), "one suspension, never extended by its own deferrals");
    }

    @Test
    void aThresholdRuleDoesNothingOnOneMatch() throws Exception {
        SmtpPeer peer = peers.start("127.0.85.4");
        AtomicInteger mails = new AtomicInteger();
        peer.mail = accepted -> mails.getAndIncrement() == 0 ? "451 4.7.0 TS-THRESHOLD slow down" : null;
        var spawn = spawn(peer.port, Map.of("responses", "/TS-THRESHOLD/ suspend for=1h after=2/1h\n"));
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        spawn.tell(new RemoteSpawn.Deliver(job("m1", probe, "first@limited.test")));
        assertEquals(new Outcome.Deferral("Connected to 127.0.85.4 but sender was rejected.\n"
                + "Remote host said: 451 4.7.0 TS-THRESHOLD slow down"), probe.receiveMessage(Duration.ofSeconds(10))
                .outcome(), "a plain deferral: the rule has not acted");
        spawn.tell(new RemoteSpawn.Deliver(job("m2", probe, "second@limited.test")));
        assertTrue(probe.receiveMessage(Duration.ofSeconds(10)).outcome() instanceof Outcome.Success);
        assertTrue(sites(spawn).stream().allMatch(s -> s.suspendedUntil() == 0));
    }

    @Test
    void hundredThousandHeldMessagesComeBackUnderTheRateSpreadOverTheInterval() throws Exception {
        var spawn = spawn(25, Map.of("smtproutes", "held.test:127.0.85.9:25\n",
                "shaping", "default resume-rate=100/s\n"));
        TestProbe<String> answer = testKit.createTestProbe();
        spawn.tell(new RemoteSpawn.Suspend("held.test", Duration.ofMinutes(10), "testing", answer.ref()));
        assertTrue(answer.receiveMessage().startsWith("suspended held.test until "));
        long end = clock.get() + 600_000;
        int n = 100_000;
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        for (int i = 0; i < n; i++) spawn.tell(new RemoteSpawn.Deliver(job("h" + i, probe, "r@held.test")));
        long[] due = new long[n];
        int i = 0;
        for (DeliveryResult r : probe.receiveSeveralMessages(n, Duration.ofSeconds(120))) {
            due[i++] = ((Outcome.Postponed) r.outcome()).dueMillis();
        }
        assertReleased(due, end, 100);

        clock.addAndGet(30_000);
        TestProbe<RemoteSpawn.Resumed> resumed = testKit.createTestProbe();
        spawn.tell(new RemoteSpawn.Resume("held.test", resumed.ref()));
        RemoteSpawn.Resumed r = resumed.receiveMessage(Duration.ofSeconds(30));
        assertTrue(r.found());
        assertEquals(n, r.dueById().size(), "every held message is brought back");
        assertReleased(r.dueById().values().stream().mapToLong(Long::longValue).toArray(), clock.get(), 100);
        spawn.tell(new RemoteSpawn.Resume("held.test", resumed.ref()));
        assertFalse(resumed.receiveMessage().found(), "nothing is held any more");
    }

    @Test
    void aHeldMessageTakesOnePlaceInTheReleaseWhateverItsSenders() throws Exception {
        var spawn = spawn(25, Map.of("smtproutes", "verp.test:127.0.85.9:25\n", "shaping", "default resume-rate=1/s\n"));
        TestProbe<String> answer = testKit.createTestProbe();
        spawn.tell(new RemoteSpawn.Suspend("verp.test", Duration.ofMinutes(1), "testing", answer.ref()));
        answer.receiveMessage();
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        List<RemoteJob.Target> targets = new ArrayList<>();
        for (int i = 0; i < 3; i++) targets.add(new RemoteJob.Target(i, "list-r" + i + "=verp.test@x.org", "r" + i + "@verp.test"));
        spawn.tell(new RemoteSpawn.Deliver(new RemoteJob("verp", BODY, targets, probe.ref())));
        spawn.tell(new RemoteSpawn.Deliver(job("next", probe, "n@verp.test")));
        List<Long> due = new ArrayList<>();
        for (DeliveryResult r : probe.receiveSeveralMessages(4, Duration.ofSeconds(10))) {
            due.add(((Outcome.Postponed) r.outcome()).dueMillis());
        }
        assertEquals(1, due.subList(0, 3).stream().distinct().count(), "one due time for the message: " + due);
        long end = clock.get() + 60_000;
        assertTrue(due.get(0) >= end && due.get(0) < end + 1000, "the first second's place");
        assertTrue(due.get(3) >= end + 1000 && due.get(3) < end + 2000, "the next message: the next second's, at 1/s");
    }

    /** Due from {@code start}, at most {@code rate} in any second, spread over about n / rate seconds. */
    private static void assertReleased(long[] due, long start, int rate) {
        long[] sorted = due.clone();
        Arrays.sort(sorted);
        assertTrue(sorted[0] >= start, "none before the start");
        int j = 0;
        for (int k = 0; k < sorted.length; k++) {
            while (j < sorted.length && sorted[j] < sorted[k] + 1000) j++;
            assertTrue(j - k <= rate + 1, (j - k) + " due within a second from " + (sorted[k] - start) + " ms");
        }
        double seconds = (sorted[sorted.length - 1] - start) / 1000.0;
        double expected = due.length / (double) rate;
        assertTrue(seconds >= expected && seconds <= expected + 10, "spread over " + seconds + " s");
    }
}
