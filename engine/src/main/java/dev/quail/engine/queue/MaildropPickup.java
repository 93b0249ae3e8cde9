package dev.quail.engine.queue;

import dev.quail.persistence.body.Body;

import dev.quail.engine.log.MessageLog;

import dev.quail.persistence.body.Body;
import dev.quail.persistence.body.BodyStore;
import dev.quail.persistence.body.BodyWriter;
import dev.quail.persistence.maildrop.Dropped;
import dev.quail.persistence.maildrop.Maildrop;
import dev.quail.protocols.smtp.QueueResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Takes the messages {@code quail inject} and {@code sendmail} left in the maildrop (what qmail's trigger + todo
 * scan do): each file's message is streamed into the body store and submitted to the Queue under the file's name
 * as message id, and the file is removed only after the Queue says it is journaled, so a crash in between
 * resubmits it and the Message recognises it. Its stored chunks are never deleted here, whatever the answer: a
 * resubmission writes the same chunks of an id the journal may already hold. A file that
 * cannot be parsed is moved to maildrop/bad/ with an alert, never deleted. A watch on new/ makes pick-up
 * immediate; a scan every few seconds covers what a watch can miss.
 */
public final class MaildropPickup {
    public sealed interface Command {}

    private enum Scan implements Command { INSTANCE }

    private record Listed(List<String> names) implements Command {}

    private record Stored(String name, String sender, List<String> recipients, Body body) implements Command {}

    private record Answered(String name, QueueResult result) implements Command {}

    private record Removed(String name) implements Command {}

    static final int MAX_IN_FLIGHT = 100;
    private static final Duration QUEUE_TIMEOUT = Duration.ofSeconds(60);

    private final ActorContext<Command> context;
    private final Maildrop maildrop;
    private final Path bad;
    private final ActorRef<Queue.Command> queue;
    private final Executor io;
    private final BodyStore bodies;
    private final Partitions partitions;
    private final Set<String> inFlight = new HashSet<>();
    private boolean listing;

    /** {@code partitions}: a file's message id is its name, placed in a queue partition. */
    public static Behavior<Command> create(Path dir, ActorRef<Queue.Command> queue, Executor io, BodyStore bodies,
                                           Partitions partitions) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Scan.INSTANCE, Duration.ofSeconds(5));
            MaildropPickup pickup = new MaildropPickup(context, new Maildrop(dir), dir.resolve("bad"), queue, io,
                    bodies, partitions);
            pickup.watch();
            context.getSelf().tell(Scan.INSTANCE);
            return pickup.receive();
        }));
    }

    private MaildropPickup(ActorContext<Command> context, Maildrop maildrop, Path bad, ActorRef<Queue.Command> queue,
                           Executor io, BodyStore bodies, Partitions partitions) {
        this.bodies = bodies;
        this.partitions = partitions;
        this.context = context;
        this.maildrop = maildrop;
        this.bad = bad;
        this.queue = queue;
        this.io = io;
    }

    private Behavior<Command> receive() {
        return Behaviors.receive(Command.class)
                .onMessageEquals(Scan.INSTANCE, this::onScan)
                .onMessage(Listed.class, this::onListed)
                .onMessage(Stored.class, this::onStored)
                .onMessage(Answered.class, this::onAnswered)
                .onMessage(Removed.class, r -> {
                    inFlight.remove(r.name());
                    return Behaviors.same();
                })
                .build();
    }

    /** A daemon thread turns inotify events on new/ into scans; the actor never blocks on it. */
    private void watch() {
        ActorRef<Command> self = context.getSelf();
        Path dir = maildrop.newDir();
        Thread t = new Thread(() -> {
            try (WatchService ws = FileSystems.getDefault().newWatchService()) {
                // A rename into new/ is reported as ENTRY_CREATE.
                dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE);
                while (true) {
                    var key = ws.take();
                    key.pollEvents();
                    self.tell(Scan.INSTANCE);
                    if (!key.reset()) return;
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                MessageLog.warning("maildrop watch stopped, falling back to periodic scans: " + e);
            }
        }, "quail-maildrop-watch");
        t.setDaemon(true);
        t.start();
    }

    private Behavior<Command> onScan() {
        if (listing || inFlight.size() >= MAX_IN_FLIGHT) return Behaviors.same();
        listing = true;
        context.pipeToSelf(CompletableFuture.supplyAsync(() -> {
            try {
                return maildrop.pending();
            } catch (IOException e) {
                MessageLog.warning("unable to list the maildrop: " + e.getMessage());
                return List.<String>of();
            }
        }, io), (names, failure) -> new Listed(names == null ? List.of() : names));
        return Behaviors.same();
    }

    private Behavior<Command> onListed(Listed listed) {
        listing = false;
        for (String name : listed.names()) {
            if (inFlight.size() >= MAX_IN_FLIGHT) break;
            if (inFlight.add(name)) submit(name);
        }
        return Behaviors.same();
    }

    private void submit(String name) {
        ActorRef<Command> self = context.getSelf();
        CompletableFuture.runAsync(() -> {
            try (Dropped d = maildrop.read(name)) {
                self.tell(new Stored(name, d.sender(), d.recipients(), store(name, d.message())));
            } catch (IOException e) {
                quarantine(name, "unreadable: " + e.getMessage());
                self.tell(new Removed(name));
            } catch (ExecutionException | TimeoutException e) {
                MessageLog.warning("unable to store maildrop/" + name + ", will try later: " + e.getMessage());
                self.tell(new Removed(name));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                self.tell(new Removed(name));
            }
        }, io);
    }

    /** The message into the body store, a chunk at a time, under the id the file's name gives it. */
    private Body store(String name, InputStream message)
            throws IOException, ExecutionException, TimeoutException, InterruptedException {
        BodyWriter writer = bodies.writer(Submitter.owner(partitions.place(name)));
        byte[] buffer = new byte[BodyStore.CHUNK];
        for (int n; (n = message.readNBytes(buffer, 0, buffer.length)) > 0; ) {
            writer.write(buffer, 0, n).toCompletableFuture().get(QUEUE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        return writer.finish();
    }

    private Behavior<Command> onStored(Stored stored) {
        context.ask(QueueResult.class, queue, QUEUE_TIMEOUT,
                replyTo -> new Queue.Submit(partitions.place(stored.name()), false, stored.sender(), stored.recipients(), stored.body(),
                        "maildrop", replyTo),
                (result, failure) -> new Answered(stored.name(),
                        result != null ? result : new QueueResult.Temporary("queue did not answer")));
        return Behaviors.same();
    }

    private Behavior<Command> onAnswered(Answered answered) {
        String name = answered.name();
        if (answered.result() instanceof QueueResult.Permanent refused) {
            // The queue will never take it (an envelope with a control character): asking again would loop.
            ActorRef<Command> self = context.getSelf();
            CompletableFuture.runAsync(() -> {
                quarantine(name, "refused by the queue: " + refused.text());
                self.tell(new Removed(name));
            }, io);
            return Behaviors.same();
        }
        if (!(answered.result() instanceof QueueResult.Queued)) {
            // Left in place: the next scan tries again.
            inFlight.remove(name);
            return Behaviors.same();
        }
        ActorRef<Command> self = context.getSelf();
        CompletableFuture.runAsync(() -> {
            try {
                maildrop.remove(name);
            } catch (IOException e) {
                MessageLog.warning("unable to remove maildrop/" + name + ": " + e.getMessage());
            }
            self.tell(new Removed(name));
        }, io);
        return Behaviors.same();
    }

    private void quarantine(String name, String why) {
        MessageLog.alert("maildrop/" + name + " moved to maildrop/bad: " + why);
        try {
            Files.createDirectories(bad);
            Files.move(maildrop.newDir().resolve(name), bad.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            MessageLog.alert("unable to move maildrop/" + name + " aside: " + e.getMessage());
        }
    }
}
