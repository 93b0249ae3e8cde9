package dev.quail.engine.http;

import dev.quail.engine.admin.Admin;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * The API's way to the queue: the very request lines `quail qread`, `quail queue`, `quail flush`... send through
 * queue/admin.sock, asked of the same Admin actor, so the API cannot answer differently from the command line.
 * A state change is logged with the admin's name ({@code admin NAME: queue hold 12}).
 */
final class AdminRequests {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final ActorRef<Admin.Command> admin;
    private final Scheduler scheduler;

    AdminRequests(ActorRef<Admin.Command> admin, Scheduler scheduler) {
        this.admin = admin;
        this.scheduler = scheduler;
    }

    /** The Admin actor's answer: its text without the leading + (done) or - (refused). */
    record Answer(boolean ok, String text) {}

    /** A request whose answer is JSON (qread, qshape, sites... with --json). */
    CompletionStage<HttpResponse> read(String line) {
        return query(line).thenApply(a -> a.ok() ? Replies.ok(a.text()) : refusal(a.text()));
    }

    /** A state change by {@code caller}: logged first, answered {"result": "held 1 messages"}. */
    CompletionStage<HttpResponse> act(Caller caller, String line) {
        return perform(caller, line).thenApply(a -> a.ok()
                ? Replies.ok("{\"result\":\"" + Replies.quote(a.text()) + "\"}\n") : refusal(a.text()));
    }

    /** As {@link #read(String)}, the line made from a request's parameters: 400 when they cannot make one. */
    CompletionStage<HttpResponse> read(Supplier<String> line) {
        return made(line, this::read, AdminRequests::badRequest);
    }

    /** As {@link #act(Caller, String)}, the line made from a request's parameters: 400 when they cannot make one. */
    CompletionStage<HttpResponse> act(Caller caller, Supplier<String> line) {
        return made(line, l -> act(caller, l), AdminRequests::badRequest);
    }

    /** {@code asked} with the line {@code line} makes, or {@code refused} with why the line could not be made. */
    static <T> CompletionStage<T> made(Supplier<String> line, Function<String, CompletionStage<T>> asked,
                                       Function<String, CompletionStage<T>> refused) {
        String made;
        try {
            made = line.get();
        } catch (IllegalArgumentException e) {
            return refused.apply(e.getMessage());
        }
        return asked.apply(made);
    }

    CompletionStage<Answer> query(String line) {
        return AskPattern.<Admin.Command, String>ask(admin, r -> new Admin.Request(line, r), TIMEOUT, scheduler)
                .exceptionally(e -> "-" + e.getMessage() + "\n")
                .thenApply(text -> new Answer(text.startsWith("+"), text.substring(Math.min(1, text.length()))));
    }

    /** A state change by {@code caller}, logged with the admin's name first; the answer's text stripped. */
    CompletionStage<Answer> perform(Caller caller, String line) {
        Actions.log(caller, line);
        return query(line).thenApply(a -> new Answer(a.ok(), a.text().strip()));
    }

    /**
     * The KEY=VALUE words of query parameters for a Selection, in a fixed order; empty when a value could break
     * the request line (whitespace, control characters), which the caller answers with 400.
     */
    static Optional<String> words(Map<String, String> parameters, List<String> keys) {
        StringBuilder b = new StringBuilder();
        for (String key : keys) {
            String value = parameters.get(key);
            if (value == null) continue;
            if (!plain(value)) return Optional.empty();
            b.append(' ').append(key).append('=').append(value);
        }
        return Optional.of(b.toString());
    }

    /** A word of a request line: no whitespace or control characters. */
    static boolean plain(String value) {
        return value.codePoints().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c));
    }

    static CompletionStage<HttpResponse> badRequest(String why) {
        return CompletableFuture.completedFuture(Replies.error(StatusCodes.BAD_REQUEST, why));
    }

    private static HttpResponse refusal(String why) {
        return Replies.error(missing(why) ? StatusCodes.NOT_FOUND : StatusCodes.BAD_REQUEST, why.strip());
    }

    /** A refusal that names nothing there (an unknown message or site hold): 404 rather than 400. */
    static boolean missing(String why) {
        String w = why.strip();
        return w.startsWith("no such") || w.startsWith("nothing is suspended");
    }
}
