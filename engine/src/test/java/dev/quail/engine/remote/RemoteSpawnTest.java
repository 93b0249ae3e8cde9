package dev.quail.engine.remote;

import dev.quail.engine.MemoryBodies;
import dev.quail.engine.delivery.MessageBody;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.engine.Controls;
import dev.quail.engine.TestHomes;
import dev.quail.engine.delivery.DeliveryResult;
import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.delivery.SpawnStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.RecipientRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RemoteSpawn, Host and Connection together against SMTP peers on loopback addresses (127.0.83.x) and a real
 * DNS server: routing, per-recipient results, transactions per destination, connection reuse, the
 * concurrency cap, fairness, timeouts and the downed-host table (REM-01..30, TCPTO-10..15).
 */
class RemoteSpawnTest {
    private static final byte[] TEXT = "Subject: remote\n\nhello\n.dot\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final MemoryBodies STORE = new MemoryBodies();
    private static final MessageBody BODY = STORE.put("msg-m1", TEXT);
    private static ActorTestKit testKit;
    private static Dnsmasq dnsmasq;
    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    @BeforeAll
    static void start() throws Exception {
        testKit = ActorTestKit.create();
        dnsmasq = Dnsmasq.start(List.of(
                "mx-host=fallback.test,mx1.fallback.test,10",
                "mx-host=fallback.test,mx2.fallback.test,20",
                "host-record=mx1.fallback.test,127.0.83.21",
                "host-record=mx2.fallback.test,127.0.83.22",
                "host-record=amx.test,127.0.83.23",
                "dns-rr=nullmx.test,15,000000",
                "mx-host=self.test,me.self.test,10",
                "host-record=me.self.test,127.0.0.1"));
    }

    @AfterAll
    static void stop() throws Exception {
        testKit.shutdownTestKit();
        dnsmasq.close();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closeAfter) c.close();
    }

    private SmtpPeer peer(String... ips) throws IOException {
        SmtpPeer p = SmtpPeer.start(ips);
        closeAfter.add(p);
        return p;
    }

    /** A spawn over a fresh home with these control files; MX destinations use {@code mxPort}. */
    private ActorRef<RemoteSpawn.Command> spawn(int mxPort, Duration reuse, Map<String, String> files)
            throws IOException {
        return spawn(mxPort, reuse, files, Optional.empty());
    }

    private ActorRef<RemoteSpawn.Command> spawn(int mxPort, Duration reuse, Map<String, String> files,
                                                Optional<ConnectionGate.Gates> gates) throws IOException {
        Map<String, String> all = new HashMap<>(files);
        all.put("dnsservers", dnsmasq.server() + "\n");
        Controls controls = TestHomes.controls(all);
        RemoteSpawn.Environment env = new RemoteSpawn.Environment(mxPort, CurrentDns::standardResolver, clock::get,
                3_840_000, Optional.of(reuse));
        return testKit.spawn(RemoteSpawn.create(controls, new SpawnStatus(), env, STORE, gates));
    }

    /** A cluster's queue partitions, each on a home of its own with these files, sharing their connection gates. */
    private List<ActorRef<RemoteSpawn.Command>> partitions(int count, Map<String, String> files) throws IOException {
        Map<String, ActorRef<ConnectionGate.Command>> gates = new ConcurrentHashMap<>();
        Function<String, RecipientRef<ConnectionGate.Command>> gate = name -> gates.computeIfAbsent(name,
                n -> testKit.spawn(ConnectionGate.create(n, System::currentTimeMillis, self -> { })));
        List<ActorRef<RemoteSpawn.Command>> spawns = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            spawns.add(spawn(25, Duration.ofSeconds(10), files,
                    Optional.of(new ConnectionGate.Gates("partition " + i, gate))));
        }
        return spawns;
    }

    /** smtproutes sending domain d0.test to ips[0] and so on, at peer's port. */
    private static String routes(SmtpPeer peer, String... ips) {
        StringBuilder routes = new StringBuilder();
        for (int i = 0; i < ips.length; i++) routes.append("d").append(i).append(".test:").append(ips[i]).append(':')
                .append(peer.port).append('\n');
        return routes.toString();
    }

    private ActorRef<RemoteSpawn.Command> spawn(Map<String, String> files) throws IOException {
        return spawn(25, Duration.ofSeconds(10), files);
    }

    private static RemoteJob job(TestProbe<DeliveryResult> probe, String sender, String... recipients) {
        List<RemoteJob.Target> targets = new ArrayList<>();
        for (int i = 0; i < recipients.length; i++) targets.add(new RemoteJob.Target(i, sender, recipients[i]));
        return new RemoteJob("m1", BODY, targets, probe.ref());
    }

    private static Map<Integer, Outcome> results(TestProbe<DeliveryResult> probe, int n, Duration max) {
        Map<Integer, Outcome> results = new HashMap<>();
        for (DeliveryResult r : probe.receiveSeveralMessages(n, max)) results.put(r.recipient(), r.outcome());
        assertEquals(n, results.size(), "one result per recipient");
        return results;
    }

    private static Map<Integer, Outcome> results(TestProbe<DeliveryResult> probe, int n) {
        return results(probe, n, Duration.ofSeconds(10));
    }

    @Test
    void rem01_aRelayWithAPortGetsEveryRecipientInOneTransaction() throws Exception {
        SmtpPeer peer = peer("127.0.83.2");
        var spawn = spawn(Map.of("smtproutes", "example.net:127.0.83.2:" + peer.port + "\n",
                "helohost", "out.quail.test\n"));
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        spawn.tell(new RemoteSpawn.Deliver(job(probe, "a@x.org", "b@example.net", "c@example.net")));
        Map<Integer, Outcome> r = results(probe, 2);
        assertEquals(new Outcome.Success("127.0.83.2 accepted message.\nRemote host said: 250 ok 1"), r.get(0));
        assertEquals(r.get(0), r.get(1));
        assertEquals(List.of(new SmtpPeer.Transaction("127.0.83.2", "a@x.org", List.of("b@example.net",
                "c@example.net"), "Subject: remote\n\nhello\n.dot\n")), peer.transactions);
    }

    @Test
    void rem10_theNextMxIsTriedWhenTheFirstRefusesConnections() throws Exception {
        SmtpPeer peer = peer("127.0.83.22");
        var spawn = spawn(peer.port, Duration.ofSeconds(10), Map.of());
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        spawn.tell(new RemoteSpawn.Deliver(job(probe, "a@x.org", "b@fallback.test")));
        assertEquals(new Outcome.Success("127.0.83.22 accepted message.\nRemote host said: 250 ok 1"),
                results(probe, 1).get(0));
        TestProbe<RemoteSpawn.DownedList> downed = testKit.createTestProbe();
        spawn.tell(new RemoteSpawn.ListDowned(downed.ref()));
        assertEquals(List.of(), downed.receiveMessage().hosts(), "a refused connection is not a timeout");
    }

    @Test
    void rem03_aDomainWithoutMxGetsItsAddress() throws Exception {
        SmtpPeer peer = peer("127.0.83.23");
        var spawn = spawn(peer.port, Duration.ofSeconds(10), Map.of());
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        spawn.tell(new RemoteSpawn.Deliver(job(probe, "a@x.org", "b@amx.test")));
        assertTrue(results(probe, 1).get(0) instanceof Outcome.Success);
    }

    @Test
    void dnsFailuresSettleEveryRecipientWithoutAConnection() throws Exception {
        var spawn = spawn(Map.of());
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        spawn.tell(new RemoteSpawn.Deliver(job(probe, "a@x.org", "b@nullmx.test", "c@nullmx.test", "d@self.test",
                "e@nx.test")));
        Map<Integer, Outcome> r = results(probe, 4);
        Outcome nullMx = new Outcome.Failure("Sorry, nullmx.test does not accept mail (null MX, RFC 7505). (#5.1.10)");
        assertEquals(nullMx, r.get(0));
        assertEquals(nullMx, r.get(1));
        assertEquals(new Outcome.Failure(Dns.SELF), r.get(2));
        assertEquals(new Outcome.Failure("Sorry, I couldn't find any host named nx.test. (#5.1.2)"), r.get(3));
    }

    @Test
    void rem20_eachRecipientGetsItsOwnResult() throws Exception {
        SmtpPeer peer = peer("127.0.83.3");
        peer.rcpt = r -> r.startsWith("bad") ? "550 5.1.1 no such user" : r.startsWith("later") ? "450 busy" : "250 ok";
        var spawn = spawn(Map.of("smtproutes", ":127.0.83.3:" + peer.port + "\n"));
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        spawn.tell(new RemoteSpawn.Deliver(job(probe, "a@x.org", "bad@y.test", "later@y.test", "ok@y.test")));
        Map<Integer, Outcome> r = results(probe, 3);
        assertEquals(new Outcome.Failure("127.0.83.3 does not like recipient.\nRemote host said: 550 5.1.1 no such user"),
                r.get(0));
        assertEquals(new Outcome.Deferral("127.0.83.3 does not like recipient.\nRemote host said: 450 busy"), r.get(1));
        assertTrue(r.get(2) instanceof Outcome.Success);
    }

    @Test
    void oneTransactionPerDestinationAndSender() throws Exception {
        SmtpPeer peer = peer("127.0.83.4", "127.0.83.5");
        var spawn = spawn(Map.of("smtproutes", ".one.test:127.0.83.4:" + peer.port + "\ntwo.test:127.0.83.5:"
                + peer.port + "\n"));
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        List<RemoteJob.Target> targets = List.of(
                new RemoteJob.Target(0, "list-a=a.one.test@x.org", "a@a.one.test"),
                new RemoteJob.Target(1, "list@x.org", "b@b.one.test"),
                new RemoteJob.Target(2, "list@x.org", "c@c.one.test"),
                new RemoteJob.Target(3, "list@x.org", "d@two.test"));
        spawn.tell(new RemoteSpawn.Deliver(new RemoteJob("m2", BODY, targets, probe.ref())));
        results(probe, 4).values().forEach(o -> assertTrue(o instanceof Outcome.Success, o.toString()));
        assertEquals(3, peer.transactions.size());
        assertTrue(peer.transactions.contains(new SmtpPeer.Transaction("127.0.83.4", "list@x.org",
                List.of("b@b.one.test", "c@c.one.test"), "Subject: remote\n\nhello\n.dot\n")));
    }

    @Test
    void reuse_theNextMessageToADestinationUsesTheOpenConnectionThenItQuits() throws Exception {
        SmtpPeer peer = peer("127.0.83.6");
        var spawn = spawn(25, Duration.ofMillis(500), Map.of("smtproutes", ":127.0.83.6:" + peer.port + "\n"));
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        spawn.tell(new RemoteSpawn.Deliver(job(probe, "a@x.org", "b@y.test")));
        results(probe, 1);
        spawn.tell(new RemoteSpawn.Deliver(job(probe, "a@x.org", "c@z.test")));
        results(probe, 1);
        assertEquals(2, peer.transactions.size());
        assertEquals(1, peer.connections.get());
        awaitEvent(peer, "127.0.83.6 QUIT", Duration.ofSeconds(5));
    }

    @Test
    void rem30_concurrencyremoteCapsOpenConnectionsOverAllDestinations() throws Exception {
        String[] ips = {"127.0.83.31", "127.0.83.32", "127.0.83.33", "127.0.83.34", "127.0.83.35"};
        SmtpPeer peer = peer(ips);
        peer.finalDelayMillis = 150;
        var spawn = spawn(Map.of("smtproutes", routes(peer, ips), "concurrencyremote", "2\n"));
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < 100; i++) recipients.add("u" + i + "@d" + (i % 5) + ".test");
        spawn.tell(new RemoteSpawn.Deliver(job(probe, "a@x.org", recipients.toArray(new String[0]))));
        results(probe, 100).values().forEach(o -> assertTrue(o instanceof Outcome.Success, o.toString()));
        assertEquals(5, peer.transactions.size(), "one transaction per destination");
        assertEquals(2, peer.maxOpen.get(), "at most concurrencyremote connections at once");
    }

    @Test
    void cluster_concurrencyremoteHoldsOverEveryQueuePartition() throws Exception {
        String[] ips = {"127.0.83.51", "127.0.83.52", "127.0.83.53", "127.0.83.54", "127.0.83.55"};
        SmtpPeer peer = peer(ips);
        peer.finalDelayMillis = 100;
        var partitions = partitions(3, Map.of("smtproutes", routes(peer, ips), "concurrencyremote", "2\n"));
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        for (int p = 0; p < partitions.size(); p++) {
            List<String> recipients = new ArrayList<>();
            for (int i = 0; i < 50; i++) recipients.add("u" + i + "@d" + (i % 5) + ".test");
            partitions.get(p).tell(new RemoteSpawn.Deliver(job(probe, "p" + p + "@x.org",
                    recipients.toArray(new String[0]))));
        }
        for (DeliveryResult r : probe.receiveSeveralMessages(150, Duration.ofSeconds(60))) {
            assertTrue(r.outcome() instanceof Outcome.Success, r.toString());
        }
        assertEquals(15, peer.transactions.size(), "one transaction per partition and destination");
        assertEquals(2, peer.maxOpen.get(), "concurrencyremote for the three partitions together, not each");
    }

    @Test
    void cluster_aSitesConnectionsHoldOverEveryQueuePartition() throws Exception {
        SmtpPeer peer = peer("127.0.83.56");
        peer.finalDelayMillis = 100;
        var partitions = partitions(3, Map.of("smtproutes", "one.test:127.0.83.56:" + peer.port + "\n",
                "shaping", "default connections=1\n"));
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        for (int p = 0; p < partitions.size(); p++) {
            for (int m = 0; m < 4; m++) {
                partitions.get(p).tell(new RemoteSpawn.Deliver(job(probe, "s" + m + "@x.org", "u" + p + "@one.test")));
            }
        }
        for (DeliveryResult r : probe.receiveSeveralMessages(12, Duration.ofSeconds(60))) {
            assertTrue(r.outcome() instanceof Outcome.Success, r.toString());
        }
        assertEquals(12, peer.transactions.size());
        assertEquals(1, peer.maxOpen.get(), "the site's connections=1 for the three partitions together");
    }

    @Test
    void fairness_aWaitingDestinationIsServedBeforeABusyOnesBacklog() throws Exception {
        SmtpPeer peer = peer("127.0.83.41", "127.0.83.42");
        peer.finalDelayMillis = 300;
        var spawn = spawn(Map.of("smtproutes", "a.test:127.0.83.41:" + peer.port + "\nb.test:127.0.83.42:"
                + peer.port + "\n", "concurrencyremote", "1\n"));
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        for (String r : new String[] {"a1@a.test", "a2@a.test", "a3@a.test"}) {
            spawn.tell(new RemoteSpawn.Deliver(job(probe, "s@x.org", r)));
        }
        spawn.tell(new RemoteSpawn.Deliver(job(probe, "s@x.org", "b1@b.test")));
        probe.receiveSeveralMessages(4, Duration.ofSeconds(10));
        List<String> order = new ArrayList<>();
        peer.transactions.forEach(t -> order.add(t.recipients().get(0)));
        // Which of a1 and b1 gets the only permit first is a race; b1 must not wait behind a's backlog.
        assertTrue(order.indexOf("b1@b.test") <= 1, order.toString());
        order.remove("b1@b.test");
        assertEquals(List.of("a1@a.test", "a2@a.test", "a3@a.test"), order);
        assertEquals(1, peer.maxOpen.get());
    }

    @Test
    void rfc5321_recipientsRefusedAsTooManyGoInTheNextTransaction() throws Exception {
        SmtpPeer peer = peer("127.0.83.7");
        peer.maxRecipients = 2;
        var spawn = spawn(Map.of("smtproutes", ":127.0.83.7:" + peer.port + "\n"));
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        spawn.tell(new RemoteSpawn.Deliver(job(probe, "a@x.org", "r0@y.test", "r1@y.test", "r2@y.test", "r3@y.test",
                "r4@y.test")));
        results(probe, 5).values().forEach(o -> assertTrue(o instanceof Outcome.Success, o.toString()));
        assertEquals(3, peer.transactions.size());
        assertEquals(1, peer.connections.get());
    }

    @Test
    void rem14_aServerThatNeverGreetsTimesOutAfterTimeoutremote() throws Exception {
        ServerSocket silent = new ServerSocket();
        silent.bind(new InetSocketAddress("127.0.83.51", 0));
        closeAfter.add(silent);
        List<Socket> held = new ArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                while (true) held.add(silent.accept());
            } catch (IOException closed) {
                // test over
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        var spawn = spawn(Map.of("smtproutes", ":127.0.83.51:" + silent.getLocalPort() + "\n", "timeoutremote", "1\n"));
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        long start = System.nanoTime();
        spawn.tell(new RemoteSpawn.Deliver(job(probe, "a@x.org", "b@y.test")));
        assertEquals(new Outcome.Deferral("Connected to 127.0.83.51 but connection died. (#4.4.2)"),
                results(probe, 1).get(0));
        long waited = System.nanoTime() - start;
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(900) && waited < TimeUnit.SECONDS.toNanos(5),
                "waited " + waited / 1_000_000 + " ms");
    }

    @Test
    void tcpto_connectTimeoutsMarkTheAddressDownAndItIsSkippedUntilTcpok() throws Exception {
        ServerSocket full = Backlog.full("127.0.83.52", closeAfter);
        var spawn = spawn(Map.of("smtproutes", ":127.0.83.52:" + full.getLocalPort() + "\n", "timeoutconnect", "1\n"));
        TestProbe<DeliveryResult> probe = testKit.createTestProbe();
        TestProbe<RemoteSpawn.DownedList> downed = testKit.createTestProbe();
        Outcome unreachable = new Outcome.Deferral(Connection.UNREACHABLE);

        spawn.tell(new RemoteSpawn.Deliver(job(probe, "a@x.org", "b@y.test")));
        assertEquals(unreachable, results(probe, 1).get(0));
        spawn.tell(new RemoteSpawn.ListDowned(downed.ref()));
        assertEquals(List.of(new RemoteSpawn.DownedHost(
                "relay 127.0.83.52:" + full.getLocalPort(), "127.0.83.52", clock.get(), 1)), downed.receiveMessage().hosts());

        clock.addAndGet(DownedHosts.REPEAT_MILLIS);
        spawn.tell(new RemoteSpawn.Deliver(job(probe, "a@x.org", "b@y.test")));
        assertEquals(unreachable, results(probe, 1).get(0));

        long start = System.nanoTime();
        spawn.tell(new RemoteSpawn.Deliver(job(probe, "a@x.org", "b@y.test")));
        assertEquals(unreachable, results(probe, 1).get(0));
        assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(700), "down: no connection attempt");

        TestProbe<Done> ok = testKit.createTestProbe();
        spawn.tell(new RemoteSpawn.ClearDowned(ok.ref()));
        ok.receiveMessage();
        spawn.tell(new RemoteSpawn.ListDowned(downed.ref()));
        assertEquals(List.of(), downed.receiveMessage().hosts());
    }

    private static void awaitEvent(SmtpPeer peer, String event, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!peer.events.contains(event)) {
            if (System.nanoTime() > deadline) throw new AssertionError("no " + event + " in " + peer.events);
            Thread.sleep(20);
        }
    }

    /** A listener whose accept queue is full: connects to it time out, as to a host that drops SYNs. */
    static final class Backlog {
        private Backlog() {}

        static ServerSocket full(String ip, List<AutoCloseable> closeAfter) throws IOException {
            ServerSocket s = new ServerSocket();
            s.bind(new InetSocketAddress(InetAddress.getByName(ip), 0), 1);
            closeAfter.add(s);
            for (int i = 0; i < 3; i++) {
                Socket filler = new Socket();
                try {
                    filler.connect(s.getLocalSocketAddress(), 300);
                    closeAfter.add(filler);
                } catch (IOException alreadyFull) {
                    filler.close();
                    return s;
                }
            }
            throw new IOException("the accept queue of " + ip + " did not fill");
        }
    }
}
