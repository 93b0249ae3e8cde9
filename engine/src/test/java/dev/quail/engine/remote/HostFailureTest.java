package dev.quail.engine.remote;


import dev.quail.config.Shaping;
import dev.quail.engine.LocalAddresses;
import dev.quail.engine.MemoryBodies;
import dev.quail.engine.TestHomes;
import dev.quail.engine.delivery.DeliveryResult;
import dev.quail.engine.delivery.MessageBody;
import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.delivery.SpawnStatus;
import dev.quail.engine.dkim.DkimSigner;
import dev.quail.engine.lists.Lists;
import dev.quail.engine.lists.UnsubscribeFields;
import dev.quail.persistence.body.Body;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Host that throws is restarted as the RemoteSpawn supervises it: what it held is answered (deferred), never
 * dropped, its permits go back to the spawn, and the restarted Host delivers the next batch.
 */
class HostFailureTest {
    private static ActorTestKit testKit;

    @BeforeAll
    static void start() {
        testKit = ActorTestKit.create();
    }

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    private static Batch batch(TestProbe<DeliveryResult> probe, String... recipients) {
        List<RemoteJob.Target> targets = new java.util.ArrayList<>();
        for (int i = 0; i < recipients.length; i++) targets.add(new RemoteJob.Target(i, "a@x.org", recipients[i]));
        return new Batch("m", new MessageBody("msg-m",
                Body.inline("Subject: t\n\nbody\n".getBytes(StandardCharsets.ISO_8859_1))), "a@x.org", targets,
                probe.ref(), List.of());
    }

    @Test
    void aCrashedHostAnswersWhatItHeldGivesItsPermitsBackAndWorksAfterItsRestart() throws Exception {
        try (SmtpPeer peer = SmtpPeer.start("127.0.83.71")) {
            peer.finalDelayMillis = 2_000; // the first transaction is still on its connection when the Host crashes
            var controls = TestHomes.controls(Map.of());
            var shared = new RemoteSpawn.Shared(controls, new CurrentDns(CurrentDns::standardResolver,
                    new LocalAddresses(), System::currentTimeMillis), new AtomicLong(), () -> Duration.ofSeconds(10),
                    new MemoryBodies(), System::currentTimeMillis, DkimSigner.of(controls.home().control()),
                    new UnsubscribeFields(Lists.of(controls.home().root())));
            TestProbe<RemoteSpawn.Command> spawn = testKit.createTestProbe();
            Site literal = Site.of(new Destination("[127.0.83.71]", Destination.Kind.LITERAL, "127.0.83.71", peer.port,
                    false));
            Host.Setup setup = new Host.Setup(literal.key(), literal, Shaping.Limits.DEFAULT,
                    new DownedHosts(System::currentTimeMillis, 3_840_000, false), new SiteStats());
            ActorRef<Host.Command> host = testKit.spawn(Behaviors.supervise(Host.create(setup, spawn.ref(), shared))
                    .onFailure(SupervisorStrategy.restart()));
            TestProbe<DeliveryResult> results = testKit.createTestProbe();

            host.tell(new Host.Deliver(batch(results, "one@y.test")));
            spawn.expectMessageClass(RemoteSpawn.Acquire.class);
            host.tell(new Host.Grant(false));
            TestProbe<Object> waiter = testKit.createTestProbe();
            waiter.awaitAssert(Duration.ofSeconds(5), () -> {
                assertEquals(1, peer.connections.get());
                return null;
            });
            // A batch with no recipient cannot become a transaction: opening a connection for it throws.
            host.tell(new Host.Deliver(batch(results)));
            spawn.expectMessageClass(RemoteSpawn.Acquire.class);
            host.tell(new Host.Grant(false));

            DeliveryResult answered = results.receiveMessage(Duration.ofSeconds(5));
            assertEquals(new Outcome.Deferral(Host.HOST_GONE), answered.outcome(), "answered, not dropped");
            assertTrue(spawn.receiveMessage() instanceof RemoteSpawn.Release, "its permits go back");

            peer.finalDelayMillis = 0;
            host.tell(new Host.Deliver(batch(results, "two@y.test")));
            spawn.fishForMessage(Duration.ofSeconds(5), m -> m instanceof RemoteSpawn.Acquire
                    ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
                    : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
            host.tell(new Host.Grant(false));
            assertTrue(results.receiveMessage(Duration.ofSeconds(10)).outcome() instanceof Outcome.Success);
        }
    }
}
