package dev.quail.engine.queue;

import dev.quail.persistence.body.Body;
import dev.quail.protocols.smtp.QueueResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * qmail-queue for the front ends: a message whose body is already in the body store is submitted to the Queue
 * actor, and the answer is what the client hears (250 / K / exit 0 only for {@link QueueResult.Queued}). No
 * answer within the deadline is a temporary failure: the client retries, which at worst makes a duplicate.
 */
public final class Submitter {
    public static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final QueueResult TIMED_OUT = new QueueResult.Temporary("4.3.0 qq timeout (#4.3.0)");

    private final ActorRef<Queue.Command> queue;
    private final Scheduler scheduler;
    /**
     * On a cluster: Cluster Sharding drops a submission it was holding for a partition that moves between nodes
     * (it will not reorder), and the client would wait the whole deadline for its 451. A database commit takes
     * far less; 15 s lets the client retry before its own timeout or the balancer's.
     */
    public static final Duration CLUSTER_TIMEOUT = Duration.ofSeconds(15);

    private final Supplier<String> ids;
    private final Duration timeout;

    /** {@code ids}: where new message ids come from ({@link Ids#next}, placed in a partition on a cluster). */
    public Submitter(ActorRef<Queue.Command> queue, Scheduler scheduler, Supplier<String> ids) {
        this(queue, scheduler, ids, TIMEOUT);
    }

    /** {@code timeout}: how long a client waits for the queue before it hears 451. */
    public Submitter(ActorRef<Queue.Command> queue, Scheduler scheduler, Supplier<String> ids, Duration timeout) {
        this.queue = queue;
        this.scheduler = scheduler;
        this.ids = ids;
        this.timeout = timeout;
    }

    /** A new message id: its body's chunks are stored under {@link Message#persistenceId} of it. */
    public String newId() {
        return ids.get();
    }

    /** The persistence id a message's body chunks belong to. */
    public static String owner(String id) {
        return Message.persistenceId(id);
    }

    /**
     * Queues message {@code id}. {@code fresh}: the id was just drawn from {@link #newId()}, so the journal cannot
     * know it; otherwise (a maildrop file resubmitted after a crash) the Queue first looks for it.
     * The answer completes on the thread that completes the ask, through an explicit executor: Pekko's ask returns
     * Scala's CompletableFuture, whose plain thenApply/exceptionally run on the common pool, and on a 2-core machine
     * the common pool starts a new thread for every task.
     */
    public CompletionStage<QueueResult> submit(String id, boolean fresh, String sender, List<String> recipients,
                                               Body body, String origin) {
        CompletableFuture<QueueResult> answer = new CompletableFuture<>();
        AskPattern.<Queue.Command, QueueResult>ask(queue,
                        replyTo -> new Queue.Submit(id, fresh, sender, recipients, body, origin, replyTo),
                        timeout, scheduler)
                .whenCompleteAsync((result, failure) -> answer.complete(result != null ? result : TIMED_OUT),
                        Runnable::run);
        return answer;
    }
}
