package dev.quail.engine.local;

import dev.quail.engine.Controls;
import dev.quail.engine.delivery.Delivery;
import dev.quail.engine.delivery.DeliveryResult;
import dev.quail.engine.log.MessageLog;
import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.delivery.SpawnStatus;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * qmail-lspawn: runs at most {@code concurrencylocal} local deliveries at once (read at each start, so a changed
 * control file applies at once; 0 holds the channel, SEND-03), queueing the rest in arrival order. Deliveries do
 * blocking file I/O, so they run on the blocking-I/O executor, never on an actor thread. Each gets a delivery
 * number for the log, as qmail-send's slots do.
 */
public final class LocalSpawn {
    public sealed interface Command {}

    public record Deliver(Delivery delivery) implements Command {}

    /** Stop starting deliveries and answer once the ones in progress are done (graceful shutdown). */
    public record Drain(ActorRef<Done> replyTo) implements Command {}

    public enum Done { INSTANCE }

    private record Finished(Delivery delivery, long number, Outcome outcome) implements Command {}

    private final ActorContext<Command> context;
    private final Controls controls;
    private final LocalDelivery delivery;
    private final Executor executor;
    private final SpawnStatus status;
    private final ArrayDeque<Delivery> waiting = new ArrayDeque<>();
    private int running;
    private ActorRef<Done> drainedReplyTo;

    public static Behavior<Command> create(Controls controls, LocalDelivery delivery, Executor executor,
                                           SpawnStatus status) {
        return Behaviors.setup(context -> new LocalSpawn(context, controls, delivery, executor, status).receive());
    }

    private LocalSpawn(ActorContext<Command> context, Controls controls, LocalDelivery delivery, Executor executor,
                       SpawnStatus status) {
        this.status = status;
        this.context = context;
        this.controls = controls;
        this.delivery = delivery;
        this.executor = executor;
    }

    private Behavior<Command> receive() {
        return Behaviors.receive(Command.class)
                .onMessage(Deliver.class, d -> {
                    waiting.add(d.delivery());
                    startSome();
                    return Behaviors.same();
                })
                .onMessage(Finished.class, this::onFinished)
                .onMessage(Drain.class, d -> {
                    drainedReplyTo = d.replyTo();
                    answerDrain();
                    return Behaviors.same();
                })
                .build();
    }

    private int limit() { return controls.current().control().concurrencylocal(); }

    private void startSome() {
        while (drainedReplyTo == null && running < limit() && !waiting.isEmpty()) {
            Delivery job = waiting.poll();
            long number = status.deliveries().incrementAndGet();
            running++;
            MessageLog.starting(number, job.messageId(), "local", job.address());
            status.local(running, limit());
            CompletableFuture.supplyAsync(() -> delivery.deliver(job), executor)
                    .exceptionally(e -> new Outcome.Deferral("Unexpected trouble: " + e + " (#4.3.0)"))
                    .thenAccept(outcome -> context.getSelf().tell(new Finished(job, number, outcome)));
        }
    }

    private Behavior<Command> onFinished(Finished f) {
        running--;
        MessageLog.result(f.number(), f.outcome());
        status.local(running, limit());
        f.delivery().replyTo().tell(new DeliveryResult(f.delivery().recipient(), f.outcome()));
        startSome();
        answerDrain();
        return Behaviors.same();
    }

    private void answerDrain() {
        if (drainedReplyTo != null && running == 0) drainedReplyTo.tell(Done.INSTANCE);
    }
}
