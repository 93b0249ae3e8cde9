/*
 * MessageEventSerializer: every event survives a round trip, directly and
 * through Pekko serialization inside a PersistentRepr (the path the journal
 * takes), including the awkward values a queue meets: the empty sender of a
 * bounce, non-ASCII addresses (SMTPUTF8), no and many recipients, a large body.
 */
package dev.quail.persistence.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.persistence.body.Body;
import dev.quail.persistence.body.BodyStore;
import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.Test;

class MessageEventSerializerTest {
    private final MessageEventSerializer serializer = new MessageEventSerializer();

    private MessageEvent roundTrip(MessageEvent event) throws Exception {
        return (MessageEvent) serializer.fromBinary(serializer.toBinary(event), serializer.manifest(event));
    }

    private static Body body(String text) {
        return Body.inline(text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<MessageEvent> everyKind() {
        List<Recipient> recipients = List.of(new Recipient("user@example.org", Channel.REMOTE),
                new Recipient("alias", Channel.LOCAL));
        return List.of(
                new MessageEvent.Accepted("1732200000000000.42.1", 1732200000123L, "sender@example.com",
                        recipients, body("Received: (quail 42 invoked from network)\nSubject: hi\n\nbody\n"),
                        "smtp 192.0.2.1"),
                new MessageEvent.Delivered(0, "did 0+0+1/"),
                new MessageEvent.Failed(1, "Sorry, no mailbox here by that name. (#5.1.1)"),
                new MessageEvent.Deferred(0, "Connection refused. (#4.4.1)"),
                new MessageEvent.RetryScheduled(Channel.LOCAL, 1732200400000L),
                new MessageEvent.RetryScheduled(Channel.REMOTE, 0),
                new MessageEvent.BounceQueued("1732200500000000.42.7"),
                new MessageEvent.Held(true),
                new MessageEvent.Held(false),
                new MessageEvent.Rejuvenated(1732300000456L));
    }

    @Test
    void everyEventRoundTrips() throws Exception {
        for (MessageEvent event : everyKind()) {
            assertEquals(event, roundTrip(event));
        }
    }

    @Test
    void eachRecordHasItsOwnManifest() {
        List<String> manifests = new ArrayList<>();
        everyKind().forEach(event -> manifests.add(serializer.manifest(event)));
        assertEquals(List.of("Accepted", "Delivered", "Failed", "Deferred", "RetryScheduled", "RetryScheduled",
                "BounceQueued", "Held", "Held", "Rejuvenated"), manifests);
    }

    @Test
    void bounceWithEmptySenderAndNoRecipientsRoundTrips() throws Exception {
        MessageEvent bounce = new MessageEvent.Accepted("b1", 0, "", List.of(), Body.inline(new byte[0]), "");
        assertEquals(bounce, roundTrip(bounce));
    }

    @Test
    void nonAsciiAddressesAndReportsRoundTrip() throws Exception {
        MessageEvent event = new MessageEvent.Accepted("ü1", -1, "jörg@bücher.example",
                List.of(new Recipient("用户@例子.广告", Channel.REMOTE), new Recipient("δοκιμή", Channel.LOCAL)),
                body("Subject: Grüße 👋\n\n"), "qmtp");
        assertEquals(event, roundTrip(event));
        MessageEvent report = new MessageEvent.Failed(0, "Mailbox «voll» 🙁");
        assertEquals(report, roundTrip(report));
    }

    @Test
    void aChunkedBodyRoundTripsWithItsTailAndFlags() throws Exception {
        byte[] tail = "é last line\n".getBytes(StandardCharsets.UTF_8);
        Body chunked = new Body(3L * BodyStore.CHUNK + tail.length, 3, tail, true);
        MessageEvent.Accepted event = new MessageEvent.Accepted("c1", 7, "s@x", List.of(), chunked, "smtp");
        assertEquals(event, roundTrip(event));
    }

    @Test
    void version1EventsWithTheWholeBodyInlineAreStillRead() throws Exception {
        // Written before bodies were chunked: version 1, the body as one int-counted byte string.
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        out.writeByte(1);
        out.writeInt(2);
        out.write("v1".getBytes(StandardCharsets.UTF_8));
        out.writeLong(5);
        out.writeInt(3);
        out.write("a@b".getBytes(StandardCharsets.UTF_8));
        out.writeInt(1);
        out.writeInt(1);
        out.write('x');
        out.writeByte('R');
        byte[] old = new byte[BodyStore.CHUNK + 10];
        Arrays.fill(old, (byte) 0xe9);
        old[old.length - 1] = '\n';
        out.writeInt(old.length);
        out.write(old);
        out.writeInt(4);
        out.write("smtp".getBytes(StandardCharsets.UTF_8));
        MessageEvent.Accepted back = (MessageEvent.Accepted) serializer.fromBinary(bytes.toByteArray(), "Accepted");
        assertEquals(new MessageEvent.Accepted("v1", 5, "a@b", List.of(new Recipient("x", Channel.REMOTE)),
                Body.inline(old), "smtp").body(), back.body());
        assertEquals(0, back.body().chunks());
        assertTrue(back.body().eightBit());
        assertEquals(List.of(new Recipient("x", Channel.REMOTE)), back.recipients());
    }

    @Test
    void manyRecipientsAndALargeBodyRoundTrip() throws Exception {
        List<Recipient> recipients = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            recipients.add(new Recipient("subscriber" + i + "@example.net", i % 2 == 0 ? Channel.REMOTE : Channel.LOCAL));
        }
        byte[] large = new byte[20 << 20];
        Arrays.fill(large, (byte) 'x');
        large[large.length - 1] = '\n';
        MessageEvent.Accepted event = new MessageEvent.Accepted("big", 1, "list@example.com", recipients,
                Body.inline(large), "inject");
        MessageEvent.Accepted back = (MessageEvent.Accepted) roundTrip(event);
        assertEquals(event, back);
        assertArrayEquals(large, back.body().tail());
    }

    @Test
    void acceptedComparesBodiesByContent() {
        MessageEvent a = new MessageEvent.Accepted("x", 1, "s", List.of(), body("same"), "o");
        MessageEvent b = new MessageEvent.Accepted("x", 1, "s", List.of(), body("same"), "o");
        MessageEvent c = new MessageEvent.Accepted("x", 1, "s", List.of(), body("diff"), "o");
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, c);
        assertEquals("Accepted[id=x, birthMillis=1, sender=<s>, recipients=[], body=Body[4 bytes, 0 stored chunks], origin=o]",
                a.toString());
    }

    @Test
    void unknownManifestIsNotSerializable() {
        assertThrows(NotSerializableException.class, () -> serializer.fromBinary(new byte[] {1}, "Exploded"));
    }

    @Test
    void corruptBytesAreRejected() {
        byte[] good = serializer.toBinary(new MessageEvent.BounceQueued("b1"));
        byte[] truncated = Arrays.copyOf(good, good.length - 1);
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        byte[] futureVersion = good.clone();
        futureVersion[0] = 3;
        byte[] hugeLength = {2, 0x7f, -1, -1, -1, 'b'};
        for (byte[] bad : List.of(truncated, trailing, futureVersion, hugeLength, new byte[0])) {
            assertThrows(IllegalArgumentException.class, () -> serializer.fromBinary(bad, "BounceQueued"));
        }
        byte[] badChannel = serializer.toBinary(new MessageEvent.RetryScheduled(Channel.LOCAL, 5));
        badChannel[1] = 'X';
        assertThrows(IllegalArgumentException.class, () -> serializer.fromBinary(badChannel, "RetryScheduled"));
    }

    @Test
    void pekkoUsesThisSerializerForEventsInsideJournalEntries() {
        ActorTestKit kit = ActorTestKit.create();
        try {
            Serialization serialization = SerializationExtension.get(kit.system());
            for (MessageEvent event : everyKind()) {
                assertEquals(MessageEventSerializer.IDENTIFIER, serialization.findSerializerFor(event).identifier());
                PersistentRepr repr = PersistentRepr.apply(event, 3, "msg-1", "", false, null, "writer-1");
                byte[] bytes = serialization.serialize(repr).get();
                PersistentRepr back = serialization.deserialize(bytes, PersistentRepr.class).get();
                assertEquals(event, back.payload());
                assertEquals(3, back.sequenceNr());
            }
        } finally {
            kit.shutdownTestKit();
        }
    }
}
