package dev.quail.engine.queue;

import dev.quail.engine.delivery.Injector;
import dev.quail.protocols.smtp.QueueResult;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/** The {@link Injector} of the running queue: a Submit, asked of the Queue actor with a deadline. */
public final class QueueInjector implements Injector {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final ActorRef<Queue.Command> queue;
    private final Scheduler scheduler;

    public QueueInjector(ActorRef<Queue.Command> queue, Scheduler scheduler) {
        this.queue = queue;
        this.scheduler = scheduler;
    }

    /**
     * The answer completes on the thread that completes the ask, through an explicit executor: Pekko's ask returns
     * Scala's CompletableFuture, whose plain thenApply/exceptionally run on the common pool, and on a 2-core machine
     * the common pool starts a new thread for every task.
     */
    @Override
    public CompletionStage<QueueResult> inject(String sender, List<String> recipients, byte[] message, String origin) {
        CompletableFuture<QueueResult> answer = new CompletableFuture<>();
        AskPattern.<Queue.Command, QueueResult>ask(queue,
                        replyTo -> new Queue.Submit(Optional.empty(), sender, recipients, message, origin, replyTo),
                        TIMEOUT, scheduler)
                .whenCompleteAsync((result, failure) -> answer.complete(
                        result != null ? result : new QueueResult.Temporary("4.3.0 qq timeout (#4.3.0)")),
                        Runnable::run);
        return answer;
    }
}
