package dev.quail.engine.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.engine.Controls;
import dev.quail.engine.MemoryBodies;
import dev.quail.engine.TestHomes;
import dev.quail.engine.delivery.DeliveryResult;
import dev.quail.engine.delivery.Injector;
import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.local.LocalSpawn;
import dev.quail.engine.remote.RemoteSpawn;
import dev.quail.persistence.body.Body;
import dev.quail.persistence.events.Channel;
import dev.quail.persistence.events.MessageEvent;
import dev.quail.protocols.smtp.QueueResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Queue answers a front end only after the journal has the message, and never 250 when it does not; and a
 * message whose journal or delivery fails is retried until it is delivered, never stranded.
 */
class QueueTest {
    private static ActorTestKit testKit;
    private static PersistenceTestKit journal;
    private static Controls controls;
    private static Ids ids;

    @BeforeAll
    static void start() throws Exception {
        testKit = ActorTestKit.create(TestHomes.persistenceTestKit());
        journal = PersistenceTestKit.create(testKit.system());
        controls = TestHomes.controls(Map.of("virtualdomains", "example.net:joe\n", "timeoutresult", "2\n"));
        ids = TestHomes.ids();
    }

    @AfterAll
    static void stop() {
        testKit.shutdownTestKit();
    }

    private static <T> Behavior<T> forwardTo(TestProbe<T> probe, Class<T> type) {
        return Behaviors.receive(type).onAnyMessage(m -> {
            probe.ref().tell(m);
            return Behaviors.same();
        }).build();
    }

    private ActorRef<Queue.Command> queue(TestProbe<LocalSpawn.Command> local, TestProbe<RemoteSpawn.Command> remote) {
        return queue(controls, local, remote);
    }

    private ActorRef<Queue.Command> queue(Controls controls, TestProbe<LocalSpawn.Command> local,
                                          TestProbe<RemoteSpawn.Command> remote) {
        return testKit.spawn(Queue.create(new Queue.Setup(controls, ids::next, Runnable::run, new MemoryBodies(),
                Source::empty, new Traces(), ScheduleIndex.PERSISTENCE_ID, "queue"), testKit.<Queue.Failed>createTestProbe().ref(), new Queue.Children() {
            @Override
            public Behavior<LocalSpawn.Command> localSpawn(Injector injector) {
                return forwardTo(local, LocalSpawn.Command.class);
            }

            @Override
            public Behavior<RemoteSpawn.Command> remoteSpawn() {
                return forwardTo(remote, RemoteSpawn.Command.class);
            }

            @Override
            public Behavior<Cleaner.Command> cleaner() {
                return Cleaner.create(pid -> {
                    journal.clearByPersistenceId(pid);
                    return CompletableFuture.completedFuture(null);
                });
            }
        }));
    }

    private static Queue.Submit submit(List<String> recipients, ActorRef<QueueResult> replyTo) {
        return new Queue.Submit(ids.next(), true, "a@x.org", recipients,
                Body.inline("Subject: q\n\nhi\n".getBytes(StandardCharsets.ISO_8859_1)), "test", replyTo);
    }

    /** RW-03/RW-04 at acceptance: locals stay, virtual domains get their prepend, the rest is remote. */
    @Test
    void submitJournalsRoutedRecipientsThenAnswersQueued() {
        TestProbe<LocalSpawn.Command> local = testKit.createTestProbe();
        TestProbe<RemoteSpawn.Command> remote = testKit.createTestProbe();
        TestProbe<QueueResult> client = testKit.createTestProbe();
        queue(local, remote).tell(submit(List.of("postmaster@localhost", "box@example.net", "far@example.org"),
                client.ref()));
        QueueResult result = client.receiveMessage();
        assertTrue(result instanceof QueueResult.Queued, result.toString());
        String id = ((QueueResult.Queued) result).id();
        MessageEvent.Accepted accepted = journal.expectNextPersistedClass(Message.persistenceId(id),
                MessageEvent.Accepted.class);
        assertEquals(Channel.LOCAL, accepted.recipients().get(0).channel());
        assertEquals("joe-box@example.net", accepted.recipients().get(1).address());
        assertEquals(Channel.LOCAL, accepted.recipients().get(1).channel());
        assertEquals(Channel.REMOTE, accepted.recipients().get(2).channel());
        local.receiveMessage();
        local.receiveMessage();
        remote.receiveMessage();
    }

    @Test
    void aJournalFailureAnswersTemporaryNeverQueued() {
        TestProbe<LocalSpawn.Command> local = testKit.createTestProbe();
        TestProbe<QueueResult> client = testKit.createTestProbe();
        Queue.Submit submit = submit(List.of("postmaster@localhost"), client.ref());
        // The message's own write fails, not whichever comes first (the schedule index may write before it).
        journal.failNextPersisted(Message.persistenceId(submit.id()));
        queue(local, testKit.createTestProbe()).tell(submit);
        QueueResult result = client.receiveMessage();
        assertTrue(result instanceof QueueResult.Temporary, result.toString());
        assertTrue(((QueueResult.Temporary) result).text().startsWith("4.3.0 "));
    }

    private static LocalSpawn.Deliver deliver(TestProbe<LocalSpawn.Command> local) {
        return local.expectMessageClass(LocalSpawn.Deliver.class, Duration.ofSeconds(10));
    }

    private static void answer(LocalSpawn.Deliver d, Outcome outcome) {
        d.delivery().replyTo().tell(new DeliveryResult(d.delivery().recipient(), outcome));
    }

    /** Waits for the message to finish: its events are cleaned from the journal once every recipient is done. */
    private static void awaitFinished(String id) {
        testKit.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
            assertTrue(journal.persistedInStorage(Message.persistenceId(id)).isEmpty(),
                    journal.persistedInStorage(Message.persistenceId(id)).toString());
            return null;
        });
    }

    private String queued(ActorRef<Queue.Command> queue, TestProbe<QueueResult> client) {
        queue.tell(submit(List.of("postmaster@localhost"), client.ref()));
        return ((QueueResult.Queued) client.receiveMessage()).id();
    }

    /**
     * Admission: a message queued while maxlive messages are live is journaled and sleeps; it is delivered once they
     * are done. A burst beyond maxlive never stalls (such a message used to stay alive, asleep, and count as live for
     * ever: a 100,000-message run stopped delivering after 68,000).
     */
    @Test
    void messagesQueuedBeyondMaxliveAreDeliveredOnceTheLiveOnesFinish() throws Exception {
        TestProbe<LocalSpawn.Command> local = testKit.createTestProbe();
        ActorRef<Queue.Command> queue = queue(TestHomes.controls(Map.of("maxlive", "1\n")), local,
                testKit.createTestProbe());
        TestProbe<QueueResult> client = testKit.createTestProbe();
        List<String> inTurn = List.of(queued(queue, client), queued(queue, client), queued(queue, client));
        for (String id : inTurn) {
            LocalSpawn.Deliver d = deliver(local);
            assertEquals(id, d.delivery().messageId(), "delivered in the order queued");
            answer(d, new Outcome.Success("did 0+1+0/"));
            awaitFinished(id);
        }
    }

    /** A checkpoint the journal refuses stops the message; the Queue wakes it after a backoff and it delivers. */
    @Test
    void aFailedCheckpointIsRetriedAfterABackoffUntilDelivered() {
        TestProbe<LocalSpawn.Command> local = testKit.createTestProbe();
        ActorRef<Queue.Command> queue = queue(local, testKit.createTestProbe());
        String id = queued(queue, testKit.createTestProbe());
        journal.failNextPersisted(Message.persistenceId(id));
        answer(deliver(local), new Outcome.Success("did 1+0+0/"));
        LocalSpawn.Deliver again = deliver(local);
        assertEquals(id, again.delivery().messageId(), "delivered again: a duplicate, never a loss");
        answer(again, new Outcome.Success("did 1+0+0/"));
        awaitFinished(id);
        local.expectNoMessage(Duration.ofMillis(300));
    }

    /** A message whose recovery fails (the journal cannot be read) is not dropped: it is woken again later. */
    @Test
    void aFailedRecoveryIsRetried() {
        TestProbe<LocalSpawn.Command> local = testKit.createTestProbe();
        ActorRef<Queue.Command> queue = queue(local, testKit.createTestProbe());
        String id = queued(queue, testKit.createTestProbe());
        answer(deliver(local), new Outcome.Deferral("mailbox busy (#4.2.1)"));
        local.expectNoMessage(Duration.ofMillis(500));
        journal.failNextRead(Message.persistenceId(id));
        queue.tell(Queue.Flush.INSTANCE);
        LocalSpawn.Deliver d = deliver(local);
        assertEquals(id, d.delivery().messageId());
        answer(d, new Outcome.Success("did 1+0+0/"));
        awaitFinished(id);
        local.expectNoMessage(Duration.ofMillis(300));
    }

    /** A spawn that never answers: at timeoutresult the recipient is deferred, with a report saying why. */
    @Test
    void aSpawnThatNeverAnswersHasItsRecipientDeferredAtTheDeadline() {
        TestProbe<LocalSpawn.Command> local = testKit.createTestProbe();
        ActorRef<Queue.Command> queue = queue(local, testKit.createTestProbe());
        String id = queued(queue, testKit.createTestProbe());
        LocalSpawn.Deliver lost = deliver(local);
        journal.expectNextPersistedClass(Message.persistenceId(id), MessageEvent.Accepted.class);
        MessageEvent.Deferred deferred = journal.expectNextPersistedClass(Message.persistenceId(id),
                MessageEvent.Deferred.class);
        assertEquals("No delivery result within 2 seconds. (#4.3.0)", deferred.report());
        answer(lost, new Outcome.Success("too late"));
        journal.expectNextPersistedClass(Message.persistenceId(id), MessageEvent.RetryScheduled.class);
        journal.expectNothingPersisted(Message.persistenceId(id), Duration.ofMillis(300));
    }

    /** no front end may queue an envelope with a control character; the queue refuses it too. */
    @Test
    void anEnvelopeWithACrOrLfIsRefusedPermanentlyAndNothingIsJournaled() {
        TestProbe<LocalSpawn.Command> local = testKit.createTestProbe();
        TestProbe<QueueResult> client = testKit.createTestProbe();
        ActorRef<Queue.Command> queue = queue(local, testKit.createTestProbe());
        String id = ids.next();
        queue.tell(new Queue.Submit(id, true, "x\r\nRCPT TO:<victim@external.example>\r\nX@relayed.example",
                List.of("postmaster@localhost"), Body.inline("Subject: q\n\nhi\n".getBytes(StandardCharsets.ISO_8859_1)),
                "test", client.ref()));
        assertEquals(Queue.BAD_ENVELOPE, client.receiveMessage());
        queue.tell(new Queue.Submit(ids.next(), true, "a@x.org", List.of("ok@localhost", "b\n@localhost"),
                Body.inline("Subject: q\n\nhi\n".getBytes(StandardCharsets.ISO_8859_1)), "test", client.ref()));
        assertEquals(Queue.BAD_ENVELOPE, client.receiveMessage());
        journal.expectNothingPersisted(Message.persistenceId(id), Duration.ofMillis(300));
        local.expectNoMessage(Duration.ofMillis(100));
    }
}
