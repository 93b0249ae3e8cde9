package dev.quail.engine.http;

import dev.quail.engine.admin.Admin;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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

    /** A request whose answer is JSON (qread, qshape, sites... with --json). */
    CompletionStage<HttpResponse> read(String line) {
        return ask(line).thenApply(text -> text.startsWith("+") ? Replies.ok(text.substring(1)) : refusal(text));
    }

    /** A state change by {@code caller}: logged first, answered {"result": "held 1 messages"}. */
    CompletionStage<HttpResponse> act(Caller caller, String line) {
        Actions.log(caller, line);
        return ask(line).thenApply(text -> text.startsWith("+")
                ? Replies.ok("{\"result\":\"" + Replies.quote(text.substring(1).strip()) + "\"}\n")
                : refusal(text));
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

    private CompletionStage<String> ask(String line) {
        return AskPattern.<Admin.Command, String>ask(admin, r -> new Admin.Request(line, r), TIMEOUT, scheduler)
                .exceptionally(e -> "-" + e.getMessage() + "\n");
    }

    private static HttpResponse refusal(String text) {
        String why = text.substring(Math.min(1, text.length())).strip();
        boolean missing = why.startsWith("no such") || why.startsWith("nothing is suspended");
        return Replies.error(missing ? StatusCodes.NOT_FOUND : StatusCodes.BAD_REQUEST, why);
    }
}
