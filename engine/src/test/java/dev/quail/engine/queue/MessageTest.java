package dev.quail.engine.queue;

import dev.quail.persistence.body.Body;

import dev.quail.engine.delivery.Delivery;
import dev.quail.engine.delivery.DeliveryResult;
import dev.quail.engine.delivery.Outcome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.engine.Controls;
import dev.quail.engine.MemoryBodies;
import dev.quail.engine.TestHomes;
import dev.quail.engine.local.LocalSpawn;
import dev.quail.engine.remote.RemoteJob;
import dev.quail.engine.remote.RemoteSpawn;
import dev.quail.persistence.events.Channel;
import dev.quail.persistence.events.MessageEvent;
import dev.quail.persistence.events.Recipient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Message actor's life: journal first, one checkpoint per recipient, recovery resumes, retries persist. */
class MessageTest {
    private static ActorTestKit testKit;
    private static PersistenceTestKit journal;
    private static Controls controls;
    private static Ids ids;
    private static final MemoryBodies BODIES = new MemoryBodies();
    private static java.util.concurrent.ExecutorService io;
    private static int counter;

    private TestProbe<Queue.Command> queue;
    private TestProbe<LocalSpawn.Command> local;
    private TestProbe<RemoteSpawn.Command> remote;
    private TestProbe<Cleaner.Command> cleaner;
    private final Traces traces = new Traces();

    @BeforeAll
    static void start() throws Exception {
        testKit = ActorTestKit.create(TestHomes.persistenceTestKit());
        journal = PersistenceTestKit.create(testKit.system());
        controls = TestHomes.controls(Map.of("queuelifetime", "3600\n"));
        ids = TestHomes.ids();
        io = java.util.concurrent.Executors.newCachedThreadPool();
    }

    @AfterAll
    static void stop() {
        io.shutdownNow();
        testKit.shutdownTestKit();
    }

    @BeforeEach
    void probes() {
        queue = testKit.createTestProbe();
        local = testKit.createTestProbe();
        remote = testKit.createTestProbe();
        cleaner = testKit.createTestProbe();
    }

    private ActorRef<Message.Command> spawn(String id) {
        return testKit.spawn(Message.create(id,
                new Message.Wiring(queue.ref(), local.ref(), remote.ref(), cleaner.ref(), controls,
                        new QueueInjector(new Submitter(queue.ref(), testKit.scheduler(), ids::next), BODIES), io, BODIES,
                        traces)));
    }

    private static MessageEvent.Accepted accepted(String id, long birth, String sender, Recipient... recipients) {
        return new MessageEvent.Accepted(id, birth, sender, List.of(recipients),
                Body.inline("Subject: t\n\nbody\n".getBytes(StandardCharsets.ISO_8859_1)), "test");
    }

    private static String id() { return "m" + (++counter) + "x" + System.nanoTime(); }

    private Delivery nextLocal() {
        return ((LocalSpawn.Deliver) local.receiveMessage()).delivery();
    }

    @Test
    void acceptsOnlyOnceJournaledThenDeliversAndCleans() {
        String id = id();
        ActorRef<Message.Command> m = spawn(id);
        m.tell(new Message.Accept(accepted(id, System.currentTimeMillis(), "a@x.org",
                new Recipient("postmaster@localhost", Channel.LOCAL)), queue.ref(), true));
        journal.expectNextPersistedClass(Message.persistenceId(id), MessageEvent.Accepted.class);
        assertEquals(new Queue.Accepted(id), queue.receiveMessage());
        Delivery d = nextLocal();
        assertEquals("postmaster@localhost", d.address());
        d.replyTo().tell(new DeliveryResult(0, new Outcome.Success("did 1+0+0/")));
        journal.expectNextPersisted(Message.persistenceId(id), new MessageEvent.Delivered(0, "did 1+0+0/"));
        assertEquals(new Queue.Finished(id), queue.receiveMessage());
        assertEquals(new Cleaner.Clean(Message.persistenceId(id)), cleaner.receiveMessage());
        queue.expectTerminated(m);
    }

    /** A live trace is handed every event as it is journaled, the last one included, then the message's end. */
    @Test
    void aFollowerIsHandedEveryJournaledEventThenTheEnd() {
        String id = id();
        TestProbe<String> follower = testKit.createTestProbe();
        traces.open(id, new Traces.Follower() {
            @Override
            public boolean offer(long seq, long millis, MessageEvent event) {
                follower.ref().tell(seq + " " + event.getClass().getSimpleName());
                return true;
            }

            @Override
            public void end() {
                follower.ref().tell("end");
            }
        });
        ActorRef<Message.Command> m = spawn(id);
        m.tell(new Message.Accept(accepted(id, System.currentTimeMillis(), "a@x.org",
                new Recipient("postmaster@localhost", Channel.LOCAL)), queue.ref(), true));
        assertEquals("1 Accepted", follower.receiveMessage());
        nextLocal().replyTo().tell(new DeliveryResult(0, new Outcome.Success("did 1+0+0/")));
        assertEquals("2 Delivered", follower.receiveMessage());
        assertEquals("end", follower.receiveMessage());
        queue.expectTerminated(m);
    }

    @Test
    void aJournalFailureNeverAcknowledges() {
        String id = id();
        journal.failNextPersisted(Message.persistenceId(id));
        ActorRef<Message.Command> m = spawn(id);
        m.tell(new Message.Accept(accepted(id, System.currentTimeMillis(), "a@x.org",
                new Recipient("postmaster@localhost", Channel.LOCAL)), queue.ref(), true));
        queue.expectTerminated(m);
        local.expectNoMessage(Duration.ofMillis(200));
    }

    /** a crash after one checkpoint re-delivers only the recipients not yet checkpointed. */
    @Test
    void recoveryResumesWithTheRecipientsNotYetDone() {
        String id = id();
        ActorRef<Message.Command> first = spawn(id);
        first.tell(new Message.Accept(accepted(id, System.currentTimeMillis(), "a@x.org",
                new Recipient("one@localhost", Channel.LOCAL), new Recipient("two@localhost", Channel.LOCAL)),
                queue.ref(), true));
        queue.receiveMessage();
        Delivery one = nextLocal();
        nextLocal();
        one.replyTo().tell(new DeliveryResult(one.recipient(), new Outcome.Success("ok")));
        journal.expectNextPersistedClass(Message.persistenceId(id), MessageEvent.Accepted.class);
        journal.expectNextPersistedClass(Message.persistenceId(id), MessageEvent.Delivered.class);
        testKit.stop(first);

        ActorRef<Message.Command> second = spawn(id);
        second.tell(new Message.Wake(true));
        Delivery again = nextLocal();
        assertEquals(1 - one.recipient(), again.recipient());
        local.expectNoMessage(Duration.ofMillis(200));
        again.replyTo().tell(new DeliveryResult(again.recipient(), new Outcome.Success("ok")));
        assertEquals(new Queue.Finished(id), queue.receiveMessage());
    }

    /** RETRY-01: a deferral persists the channel's next try and the message sleeps until then. */
    @Test
    void aDeferralPersistsTheRetryTimeAndSleeps() {
        String id = id();
        long birth = System.currentTimeMillis();
        ActorRef<Message.Command> m = spawn(id);
        m.tell(new Message.Accept(accepted(id, birth, "a@x.org",
                new Recipient("box@localhost", Channel.LOCAL)), queue.ref(), true));
        queue.receiveMessage();
        Delivery d = nextLocal();
        d.replyTo().tell(new DeliveryResult(0, new Outcome.Deferral("disk full (#4.3.0)")));
        Queue.Command sleeping = queue.receiveMessage();
        assertTrue(sleeping instanceof Queue.Sleeping, sleeping.toString());
        long at = ((Queue.Sleeping) sleeping).atMillis();
        List<MessageEvent> events = journal.receivePersisted(Message.persistenceId(id), 3, MessageEvent.class);
        assertEquals(new MessageEvent.Deferred(0, "disk full (#4.3.0)"), events.get(1));
        MessageEvent.RetryScheduled retry = (MessageEvent.RetryScheduled) events.get(2);
        assertEquals(retry.atMillis(), at, "it sleeps until the retry time it journaled");
        long passStart = System.currentTimeMillis();
        assertTrue(at >= RetrySchedule.nextTry(Channel.LOCAL, birth, birth)
                && at <= RetrySchedule.nextTry(Channel.LOCAL, birth, passStart) * 21 / 20 - birth / 20,
                "qmail's schedule, jittered by at most a twentieth: " + (at - birth) + " ms after birth");
        queue.expectTerminated(m);

        // After a restart the schedule holds: a recovery wake-up before the retry time does not deliver.
        ActorRef<Message.Command> again = spawn(id);
        again.tell(new Message.Wake(true));
        assertEquals(new Queue.Sleeping(id, at, "Subject: t\n\nbody\n".length()), queue.receiveMessage());
        local.expectNoMessage(Duration.ofMillis(200));
    }

    /**
     * rejuvenation journals a new birth, now, so queuelifetime and the retry schedule start again, and the
     * pending recipients are tried at once; a message that does not exist answers false.
     */
    @Test
    void rejuvenateStartsTheLifetimeAndTheScheduleAgainNow() {
        String id = id();
        long birth = System.currentTimeMillis() - Duration.ofMinutes(50).toMillis();
        ActorRef<Message.Command> m = spawn(id);
        m.tell(new Message.Accept(accepted(id, birth, "a@x.org", new Recipient("box@localhost", Channel.LOCAL)),
                queue.ref(), true));
        queue.receiveMessage();
        nextLocal().replyTo().tell(new DeliveryResult(0, new Outcome.Deferral("disk full (#4.3.0)")));
        assertTrue(queue.receiveMessage() instanceof Queue.Sleeping);
        journal.receivePersisted(Message.persistenceId(id), 3, MessageEvent.class);
        queue.expectTerminated(m);

        TestProbe<Boolean> answer = testKit.createTestProbe();
        long before = System.currentTimeMillis();
        spawn(id).tell(new Message.Rejuvenate(answer.ref()));
        assertEquals(true, answer.receiveMessage());
        long reborn = journal.expectNextPersistedClass(Message.persistenceId(id), MessageEvent.Rejuvenated.class)
                .birthMillis();
        assertTrue(reborn >= before, "born again now: " + (before - reborn));
        assertEquals("box@localhost", nextLocal().address(), "tried at once");

        spawn(id()).tell(new Message.Rejuvenate(answer.ref()));
        assertEquals(false, answer.receiveMessage());
    }

    /** A suspension's postponements make the message due when the first of them is, not at its next retry. */
    @Test
    void aPassPostponedOnlyIsDueAtTheFirstPostponementAndAPlainDeferralAtTheNextRetry() {
        long birth = System.currentTimeMillis();
        long soon = birth + 30_000;
        long later = birth + 90_000;
        assertEquals(soon, sleepsAfter(birth, new Outcome.Postponed("held (#4.4.5)", later),
                new Outcome.Postponed("held (#4.4.5)", soon)));
        long mixed = sleepsAfter(birth, new Outcome.Postponed("held (#4.4.5)", soon),
                new Outcome.Deferral("421 busy"));
        long next = RetrySchedule.nextTry(Channel.REMOTE, birth, birth);
        assertTrue(mixed >= next && mixed <= next + (next - birth) / 20 + 1_000, "the next retry, jittered: " + mixed);
    }

    /**
     * A busy site that puts a message off again with the same words costs one journaled due time, not a Deferred per
     * recipient each time; new words are journaled.
     */
    @Test
    void aPostponementSaidAgainJournalsOnlyTheNewDueTime() {
        String id = id();
        long birth = System.currentTimeMillis();
        String pid = Message.persistenceId(id);
        ActorRef<Message.Command> m = spawn(id);
        m.tell(new Message.Accept(accepted(id, birth, "a@x.org", new Recipient("one@remote.test", Channel.REMOTE)),
                queue.ref(), true));
        queue.receiveMessage();
        postpone(new Outcome.Postponed("busy (#4.4.5)", birth));
        assertEquals(List.of(new MessageEvent.Deferred(0, "busy (#4.4.5)"),
                new MessageEvent.RetryScheduled(Channel.REMOTE, birth)),
                journal.receivePersisted(pid, 3, MessageEvent.class).subList(1, 3));
        queue.expectTerminated(m);

        ActorRef<Message.Command> again = spawn(id);
        again.tell(new Message.Wake(true));
        postpone(new Outcome.Postponed("busy (#4.4.5)", birth + 60_000));
        assertEquals(List.of(new MessageEvent.RetryScheduled(Channel.REMOTE, birth + 60_000)),
                journal.receivePersisted(pid, 1, MessageEvent.class));
        journal.expectNothingPersisted(pid);
        queue.expectTerminated(again);

        ActorRef<Message.Command> third = spawn(id);
        third.tell(new Message.Wake(false));
        postpone(new Outcome.Postponed("held (#4.4.5)", birth + 120_000));
        assertEquals(new MessageEvent.Deferred(0, "held (#4.4.5)"),
                journal.receivePersisted(pid, 2, MessageEvent.class).get(0));
    }

    private void postpone(Outcome outcome) {
        RemoteJob job = ((RemoteSpawn.Deliver) remote.receiveMessage()).job();
        job.replyTo().tell(new DeliveryResult(0, outcome));
        assertTrue(queue.receiveMessage() instanceof Queue.Sleeping);
    }

    /** Delivers a new message to two remote recipients, answers them, and says when it sleeps until. */
    private long sleepsAfter(long birth, Outcome first, Outcome second) {
        String id = id();
        ActorRef<Message.Command> m = spawn(id);
        m.tell(new Message.Accept(accepted(id, birth, "a@x.org", new Recipient("one@remote.test", Channel.REMOTE),
                new Recipient("two@remote.test", Channel.REMOTE)), queue.ref(), true));
        queue.receiveMessage();
        RemoteJob job = ((RemoteSpawn.Deliver) remote.receiveMessage()).job();
        job.replyTo().tell(new DeliveryResult(0, first));
        job.replyTo().tell(new DeliveryResult(1, second));
        Queue.Command sleeping = queue.receiveMessage();
        queue.expectTerminated(m);
        return ((Queue.Sleeping) sleeping).atMillis();
    }

    /** RETRY-03: once past queuelifetime a temporary failure becomes permanent. */
    @Test
    void theLastPassTurnsDeferralsIntoFailures() {
        String id = id();
        long birth = System.currentTimeMillis() - 3_601_000;
        ActorRef<Message.Command> m = spawn(id);
        m.tell(new Message.Accept(accepted(id, birth, "a@x.org",
                new Recipient("box@localhost", Channel.LOCAL)), queue.ref(), true));
        queue.receiveMessage();
        nextLocal().replyTo().tell(new DeliveryResult(0, new Outcome.Deferral("still down (#4.4.1)")));
        List<MessageEvent> events = journal.receivePersisted(Message.persistenceId(id), 2, MessageEvent.class);
        assertEquals(new MessageEvent.Failed(0, "still down (#4.4.1)\n" + RetrySchedule.TOO_LONG), events.get(1));
    }

    /** BNC-10, BNC-16: a failure is bounced once, and the message ends only after the bounce is queued. */
    @Test
    void aFailureIsBouncedBeforeTheMessageEnds() {
        String id = id();
        ActorRef<Message.Command> m = spawn(id);
        m.tell(new Message.Accept(accepted(id, System.currentTimeMillis(), "alice@x.org",
                new Recipient("nobody@localhost", Channel.LOCAL)), queue.ref(), true));
        queue.receiveMessage();
        nextLocal().replyTo().tell(new DeliveryResult(0, new Outcome.Failure("Sorry, no mailbox here by that name. (#5.1.1)")));
        Queue.Submit bounce = (Queue.Submit) queue.receiveMessage();
        assertEquals("", bounce.sender());
        assertEquals(List.of("alice@x.org"), bounce.recipients());
        assertTrue(new String(bounce.body().tail(), StandardCharsets.ISO_8859_1).contains("<nobody@localhost>:\nSorry, no mailbox"));
        bounce.replyTo().tell(new dev.quail.protocols.smtp.QueueResult.Queued("b1"));
        assertEquals(new Queue.Finished(id), queue.receiveMessage());
        List<MessageEvent> events = journal.receivePersisted(Message.persistenceId(id), 3, MessageEvent.class);
        assertEquals(new MessageEvent.BounceQueued("b1"), events.get(2));
        queue.expectTerminated(m);
    }

    /** A bounce the queue cannot take now is tried again later, never dropped. */
    @Test
    void aBounceTheQueueRefusesIsRetried() {
        String id = id();
        ActorRef<Message.Command> m = spawn(id);
        m.tell(new Message.Accept(accepted(id, System.currentTimeMillis(), "alice@x.org",
                new Recipient("nobody@localhost", Channel.LOCAL)), queue.ref(), true));
        queue.receiveMessage();
        nextLocal().replyTo().tell(new DeliveryResult(0, new Outcome.Failure("no (#5.1.1)")));
        Queue.Submit bounce = (Queue.Submit) queue.receiveMessage();
        bounce.replyTo().tell(new dev.quail.protocols.smtp.QueueResult.Temporary("4.3.0 qq write error"));
        Queue.Command sleeping = queue.receiveMessage();
        assertTrue(sleeping instanceof Queue.Sleeping, sleeping.toString());
        queue.expectTerminated(m);
        ActorRef<Message.Command> again = spawn(id);
        again.tell(new Message.Wake(false));
        assertTrue(queue.receiveMessage() instanceof Queue.Submit);
    }

    /** All due remote recipients of a pass leave together; each gets its VERP sender (VERP-01). */
    @Test
    void remoteRecipientsLeaveAsOneJobWithVerpSenders() {
        String id = id();
        ActorRef<Message.Command> m = spawn(id);
        m.tell(new Message.Accept(accepted(id, System.currentTimeMillis(), "list-@x.org-@[]",
                new Recipient("a@y.org", Channel.REMOTE), new Recipient("b@z.org", Channel.REMOTE)), queue.ref(), true));
        queue.receiveMessage();
        RemoteJob job = ((RemoteSpawn.Deliver) remote.receiveMessage()).job();
        assertEquals(List.of(new RemoteJob.Target(0, "list-a=y.org@x.org", "a@y.org"),
                new RemoteJob.Target(1, "list-b=z.org@x.org", "b@z.org")), job.targets());
    }
}
