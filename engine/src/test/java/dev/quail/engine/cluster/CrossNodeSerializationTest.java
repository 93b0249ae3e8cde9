package dev.quail.engine.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.typesafe.config.ConfigFactory;
import dev.quail.engine.queue.Queue;
import dev.quail.engine.remote.ConnectionGate;
import dev.quail.engine.remote.RemoteSpawn;
import dev.quail.persistence.body.Body;
import dev.quail.protocols.smtp.QueueResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every message that crosses nodes, through the serializers a cluster node runs with (cluster.conf, on a real
 * remoting port on loopback): each comes back equal, and none goes by Java serialization.
 */
class CrossNodeSerializationTest {
    static final ActorTestKit KIT = ActorTestKit.create("quail", ConfigFactory.parseString(
                    "pekko.remote.artery.canonical.hostname = 127.0.0.1\npekko.remote.artery.canonical.port = 0")
            .withFallback(ConfigFactory.parseResources("cluster.conf"))
            .withFallback(ConfigFactory.load()));
    static final Serialization SERIALIZATION = SerializationExtension.get(Adapter.toClassic(KIT.system()));

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    static <T> ActorRef<T> ref(Class<T> type) {
        return KIT.<T>createTestProbe(type).ref();
    }

    static Object roundTrip(Object message) {
        Serializer serializer = SERIALIZATION.findSerializerFor(message);
        assertFalse(serializer.getClass().getName().contains("JavaSerializer"), message + " by Java serialization");
        byte[] bytes = SERIALIZATION.serialize(message).get();
        return SERIALIZATION.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, message))
                .get();
    }

    static void assertRoundTrip(Object message) {
        assertEquals(message, roundTrip(message));
    }

    @Test
    void aSubmissionComesBackWithItsBodyAndWhereToAnswer() {
        byte[] tail = "Subject: x\r\n\r\n\u00e9t\u00e9\r\n".getBytes(StandardCharsets.ISO_8859_1);
        Body body = new Body(2L * 65536 + tail.length, 2, tail, true);
        Queue.Submit submit = new Queue.Submit("3-k9x2f1.node", true, "a@example.org",
                List.of("b@example.net", "c@example.net"), body, "127.0.0.2", ref(QueueResult.class));
        Queue.Submit back = (Queue.Submit) roundTrip(submit);
        assertEquals(submit, back);
        assertArrayEquals(tail, back.body().tail());
    }

    @Test
    void theQueuesAnswers() {
        assertRoundTrip(new QueueResult.Queued("3-k9x2f1.node"));
        assertRoundTrip(new QueueResult.Temporary("4.3.0 qq timeout (#4.3.0)"));
        assertRoundTrip(new QueueResult.Permanent("5.1.3 a control character (#5.1.3)"));
        assertRoundTrip(new Queue.Snapshot(1, 2, 3));
        assertRoundTrip(new RemoteSpawn.Resumed(true, Map.of("3-a.n", 5L)));
        assertRoundTrip(new RemoteSpawn.DownedList(List.of(new RemoteSpawn.DownedHost("example.net", "192.0.2.7",
                1_700_000_000_000L, 3))));
        assertRoundTrip(new RemoteSpawn.SiteList(List.of(new RemoteSpawn.SiteView("mx.example.net",
                List.of("192.0.2.7"), List.of("example.net"), 1, 2, 3, 4L, 0L, "", "concurrency 20",
                List.of("250 ok")))));
        assertRoundTrip(Done.getInstance());
        assertRoundTrip(Boolean.TRUE);
        assertRoundTrip("suspended example.net");
        assertRoundTrip(new ControlPeers.Digest("127-0-0-1-2552", "mx1.example.org", "", "ab12"));
    }

    @Test
    void aConnectionGatesClaimsAndAnswers() {
        assertRoundTrip(new ConnectionGate.Claim("partition 3", 2, 1, 20, ref(ConnectionGate.Allowed.class)));
        assertRoundTrip(new ConnectionGate.Allowed(ConnectionGate.site("mx1.example.net,mx2.example.net"), 1, 10,
                true));
    }

    @Test
    void theAdminsRequests() {
        assertRoundTrip(Queue.Flush.INSTANCE);
        assertRoundTrip(Queue.Ensure.INSTANCE);
        assertRoundTrip(new Queue.Stats(ref(Queue.Snapshot.class)));
        assertRoundTrip(new Queue.Hold("3-a.n", true, ref(Boolean.class)));
        assertRoundTrip(new Queue.Rejuvenate("3-a.n", ref(Boolean.class)));
        assertRoundTrip(new Queue.Delete("3-a.n", ref(Done.class)));
        assertRoundTrip(new Queue.Advance(Map.of("3-a.n", 7L), ref(Done.class)));
        assertRoundTrip(new Queue.Downed(new RemoteSpawn.ClearDowned(ref(Done.class))));
        assertRoundTrip(new Queue.Downed(new RemoteSpawn.Suspend(".example.net", Duration.ofMinutes(5), "maintenance",
                ref(String.class))));
        assertRoundTrip(new Queue.Downed(new RemoteSpawn.Resume("example.net", ref(RemoteSpawn.Resumed.class))));
        assertRoundTrip(new Queue.Downed(new RemoteSpawn.ListDowned(ref(RemoteSpawn.DownedList.class))));
        assertRoundTrip(new Queue.Downed(new RemoteSpawn.ListSites(ref(RemoteSpawn.SiteList.class))));
    }
}
