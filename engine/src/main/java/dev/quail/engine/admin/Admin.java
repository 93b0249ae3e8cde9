package dev.quail.engine.admin;

import dev.quail.engine.ControlWatcher;
import dev.quail.engine.queue.MessageState;
import dev.quail.engine.queue.Queue;
import dev.quail.engine.remote.RemoteSpawn;
import dev.quail.persistence.maildrop.Maildrop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import dev.quail.persistence.journal.JournalStore;
import java.util.Optional;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The Admin role of DESIGN.md: answers the operator's commands that need the running server — qstat, qread,
 * flush (qmail's SIGALRM), reload, the queue surgery Postfix admins expect (delete, hold, release) and qmail's
 * rejuvenation, and the remote sites' view and holds (sites, suspend, resume).
 * The same requests come from the command line (queue/admin.sock) and from the admin listener's API, so both give
 * the same answers. One request is one line; the answer starts with "+" (done) or "-" (refused), then the text to
 * print (JSON with --json).
 */
public final class Admin {
    public sealed interface Command {}

    public record Request(String line, ActorRef<String> replyTo) implements Command {}

    private record Answer(String text, ActorRef<String> replyTo) implements Command {}

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ActorContext<Command> context;
    private final ActorRef<Queue.Command> queue;
    private final ActorRef<ControlWatcher.Command> control;
    private final QueueView view;
    private final Maildrop maildrop;
    private final Executor io;
    private final Supplier<JournalStore.Health> health;

    /** What the Admin reads: the queue (through the read journal), the maildrop, the journal's health. */
    public record Views(QueueView queue, Maildrop maildrop, Supplier<JournalStore.Health> health) {}

    public static Behavior<Command> create(ActorRef<Queue.Command> queue, ActorRef<ControlWatcher.Command> control,
                                           Views views, Executor io) {
        return Behaviors.setup(context -> new Admin(context, queue, control, views, io).behavior());
    }

    private Admin(ActorContext<Command> context, ActorRef<Queue.Command> queue,
                  ActorRef<ControlWatcher.Command> control, Views views, Executor io) {
        this.context = context;
        this.queue = queue;
        this.control = control;
        this.view = views.queue();
        this.maildrop = views.maildrop();
        this.health = views.health();
        this.io = io;
    }

    private Behavior<Command> behavior() {
        return Behaviors.receive(Command.class)
                .onMessage(Request.class, r -> {
                    answer(r.replyTo(), handle(r.line().trim().split("\\s+")));
                    return Behaviors.same();
                })
                .onMessage(Answer.class, a -> {
                    a.replyTo().tell(a.text());
                    return Behaviors.same();
                })
                .build();
    }

    private CompletionStage<String> handle(String[] words) {
        boolean json = Arrays.asList(words).contains("--json");
        String verb = words[0];
        String id = words.length > 2 ? words[2] : "";
        switch (verb) {
            case "qstat":
                return view.count().thenCombine(blocking(() -> maildrop.pending().size()),
                        (messages, unprocessed) -> ok(Reports.qstat(messages, unprocessed, health.get(), json)));
            case "qread":
                return select(arguments(words, 1))
                        .thenApply(page -> ok(Reports.qread(page.messages(), page.total(), json)));
            case "message":
                if (words.length < 2) return done(refused("usage: message ID"));
                return view.history(words[1]).thenApply(h -> h.map(history -> ok(Reports.message(history, json)))
                        .orElse(refused("no such message: " + words[1])));
            case "qshape":
                return view.messages().thenApply(messages -> ok(Reports.qshape(messages,
                        System.currentTimeMillis(), json)));
            case "flush":
                if (arguments(words, 1).isEmpty()) {
                    queue.tell(Queue.Flush.INSTANCE);
                    return done(ok(""));
                }
                return targets(words, 1).thenCompose(ids -> flush(ids));
            case "tcpto":
                return AskPattern.<Queue.Command, RemoteSpawn.DownedList>ask(queue,
                                r -> new Queue.Downed(new RemoteSpawn.ListDowned(r)), TIMEOUT,
                                context.getSystem().scheduler())
                        .thenApply(downed -> ok(Reports.tcpto(downed.hosts(), System.currentTimeMillis(), json)));
            case "tcpok":
                return AskPattern.<Queue.Command, Done>ask(queue, r -> new Queue.Downed(new RemoteSpawn.ClearDowned(r)),
                        TIMEOUT, context.getSystem().scheduler()).thenApply(d -> ok(""));
            case "suspend":
                if (words.length < 4 || !words[2].matches("[0-9]{1,9}")) {
                    return done(refused("usage: suspend SITE|DOMAIN SECONDS REASON"));
                }
                String reason = String.join(" ", Arrays.asList(words).subList(3, words.length));
                return AskPattern.<Queue.Command, String>ask(queue, r -> new Queue.Downed(new RemoteSpawn.Suspend(
                                words[1], Duration.ofSeconds(Long.parseLong(words[2])), reason, r)), TIMEOUT,
                        context.getSystem().scheduler()).thenApply(Admin::ok);
            case "resume":
                if (words.length != 2) return done(refused("usage: resume SITE|DOMAIN"));
                return AskPattern.<Queue.Command, RemoteSpawn.Resumed>ask(queue,
                        r -> new Queue.Downed(new RemoteSpawn.Resume(words[1], r)), TIMEOUT,
                        context.getSystem().scheduler()).thenCompose(resumed -> resumed.found()
                        ? advance(words[1], resumed.dueById()) : done(refused("nothing is suspended for " + words[1])));
            case "sites":
                return AskPattern.<Queue.Command, RemoteSpawn.SiteList>ask(queue,
                                r -> new Queue.Downed(new RemoteSpawn.ListSites(r)), TIMEOUT,
                                context.getSystem().scheduler())
                        .thenApply(sites -> ok(Reports.sites(sites.sites(), json)));
            case "reload":
                return AskPattern.<ControlWatcher.Command, Boolean>ask(control, ControlWatcher.Reload::new, TIMEOUT,
                        context.getSystem().scheduler())
                        .thenApply(loaded -> loaded ? ok("") : refused("unable to reread controls; see the log"));
            case "queue":
                if (words.length < 3 || !List.of("delete", "hold", "release", "rejuvenate").contains(words[1])) {
                    return done(refused("usage: queue delete|hold|release ID|KEY=VALUE..., queue rejuvenate ID"));
                }
                if (words.length == 3 && !id.contains("=")) {
                    return view.message(id).thenApply(Optional::isPresent).thenCompose(exists -> {
                        if (!exists) return done(refused("no such message: " + id));
                        if (words[1].equals("rejuvenate")) return rejuvenate(id);
                        return words[1].equals("delete") ? delete(id) : hold(id, words[1].equals("hold"));
                    });
                }
                if (words[1].equals("rejuvenate")) return done(refused("usage: queue rejuvenate ID"));
                return targets(words, 2).thenCompose(ids -> edit(words[1], ids));
            default:
                return done(refused("unknown request: " + verb));
        }
    }

    /** A page of the messages a Selection picks, oldest first, and how many it picks in all. */
    private record Page(List<MessageState> messages, int total) {}

    private CompletionStage<Page> select(List<String> args) {
        Selection selection;
        try {
            selection = Selection.parse(args);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletionStage<List<MessageState>> candidates = selection.id().isPresent()
                ? view.message(selection.id().get()).thenApply(m -> m.map(List::of).orElse(List.of()))
                : view.messages();
        long now = System.currentTimeMillis();
        return candidates.thenApply(all -> {
            List<MessageState> matching = all.stream().filter(m -> selection.matches(m, now))
                    .sorted(Comparator.comparingLong((MessageState m) -> m.accepted().birthMillis())
                            .thenComparing(MessageState::id))
                    .toList();
            int start = Math.min(selection.offset(), matching.size());
            int to = (int) Math.min((long) start + selection.limit(), matching.size());
            return new Page(matching.subList(start, to), matching.size());
        });
    }

    /** The ids an edit or a flush applies to: they must be named, by id or filter, never "everything" by default. */
    private CompletionStage<List<String>> targets(String[] words, int from) {
        List<String> args = arguments(words, from).stream().map(a -> a.contains("=") ? a : "id=" + a).toList();
        Selection selection;
        try {
            selection = Selection.parse(args);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (!selection.narrows()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("name the messages: ID or KEY=VALUE"));
        }
        return select(args).thenApply(page -> page.messages().stream().map(MessageState::id).toList());
    }

    private static List<String> arguments(String[] words, int from) {
        return Arrays.asList(words).subList(Math.min(from, words.length), words.length).stream()
                .filter(w -> !w.equals("--json")).toList();
    }

    private CompletionStage<String> edit(String action, List<String> ids) {
        CompletionStage<String> all = done("");
        for (String each : ids) {
            all = all.thenCompose(x -> action.equals("delete") ? delete(each) : hold(each, action.equals("hold")));
        }
        String past = action.equals("delete") ? "deleted " : action.equals("hold") ? "held " : "released ";
        return all.thenApply(x -> ok(past + ids.size() + " messages\n"));
    }

    /** Flush of some messages: each sleeping one is due now. */
    private CompletionStage<String> flush(List<String> ids) {
        long now = System.currentTimeMillis();
        Map<String, Long> due = new HashMap<>();
        for (String each : ids) due.put(each, now);
        return AskPattern.<Queue.Command, Done>ask(queue, r -> new Queue.Advance(due, r), TIMEOUT,
                context.getSystem().scheduler()).thenApply(d -> ok("flushed " + ids.size() + " messages\n"));
    }

    /** The messages the lifted holds postponed are due again now, spread out, each at its own time. */
    private CompletionStage<String> advance(String target, Map<String, Long> dueById) {
        return AskPattern.<Queue.Command, Done>ask(queue, r -> new Queue.Advance(dueById, r), TIMEOUT,
                context.getSystem().scheduler()).thenApply(d -> ok("resumed " + target + "; " + dueById.size()
                + " messages come back from now\n"));
    }

    private CompletionStage<String> delete(String id) {
        return AskPattern.<Queue.Command, Done>ask(queue, r -> new Queue.Delete(id, r), TIMEOUT,
                context.getSystem().scheduler()).thenApply(d -> ok("deleted " + id + "\n"));
    }

    private CompletionStage<String> hold(String id, boolean held) {
        return AskPattern.<Queue.Command, Boolean>ask(queue, r -> new Queue.Hold(id, held, r), TIMEOUT,
                        context.getSystem().scheduler())
                .thenApply(found -> found ? ok((held ? "held " : "released ") + id + "\n")
                        : refused("no such message: " + id));
    }

    private CompletionStage<String> rejuvenate(String id) {
        return AskPattern.<Queue.Command, Boolean>ask(queue, r -> new Queue.Rejuvenate(id, r), TIMEOUT,
                        context.getSystem().scheduler())
                .thenApply(found -> found ? ok("rejuvenated " + id + "\n") : refused("no such message: " + id));
    }

    /** Journal and maildrop reads block: they run on the I/O executor. */
    private interface Io<T> {
        T get() throws IOException;
    }

    private <T> CompletionStage<T> blocking(Io<T> work) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return work.get();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, io);
    }

    private void answer(ActorRef<String> replyTo, CompletionStage<String> text) {
        context.pipeToSelf(text, (t, e) -> new Answer(t != null ? t : refused(reason(e)), replyTo));
    }

    private static String reason(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null
                ? e.getCause() : e;
        return cause instanceof IllegalArgumentException ? cause.getMessage() : String.valueOf(cause);
    }

    private static CompletionStage<String> done(String text) {
        return CompletableFuture.completedFuture(text);
    }

    private static String ok(String text) { return "+" + text; }

    private static String refused(String text) { return "-" + text + "\n"; }
}
