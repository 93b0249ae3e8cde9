package dev.quail.engine.http;

import dev.quail.engine.admin.QueueView;
import dev.quail.engine.admin.Reports;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * /api/v1/queue and /api/v1/messages: the queue's shape and counts, the messages (filtered, paged), one message's
 * life and its live trace (Server-Sent Events), and hold, release, delete and flush of one message or of every
 * message a filter matches. Each is the request line of the matching `quail` command (see {@link AdminRequests}).
 */
final class QueueRoutes extends AllDirectives {
    /** A page of the messages list unless the request says otherwise. */
    static final int DEFAULT_LIMIT = 100;
    private static final List<String> FILTERS = List.of("sender", "recipient", "destination", "state", "age");
    private static final List<String> PAGE = List.of("offset", "limit");
    private static final List<String> ACTIONS = List.of("hold", "release", "delete", "flush");
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final Guard guard;
    private final AdminRequests admin;
    private final QueueView view;

    QueueRoutes(Guard guard, AdminRequests admin, QueueView view) {
        this.guard = guard;
        this.admin = admin;
        this.view = view;
    }

    Route route() {
        return pathPrefix(PathMatchers.segment("api").slash("v1"), () -> guard.admin(caller -> concat(
                path("queue", () -> get(() -> completeWithFuture(admin.read("qshape --json")))),
                path(PathMatchers.segment("queue").slash("stat"),
                        () -> get(() -> completeWithFuture(admin.read("qstat --json")))),
                path(PathMatchers.segment("queue").slash(PathMatchers.segment()), action -> post(() -> parameterMap(
                        p -> completeWithFuture(onQueue(caller, action, p))))),
                path("messages", () -> get(() -> parameterMap(p -> completeWithFuture(list(p))))),
                path(PathMatchers.segment("messages").slash(PathMatchers.segment()), id -> concat(
                        get(() -> completeWithFuture(one(id))),
                        delete(() -> completeWithFuture(edit(caller, "delete", id))))),
                path(PathMatchers.segment("messages").slash(PathMatchers.segment()).slash("trace"),
                        id -> get(() -> trace(id))),
                path(PathMatchers.segment("messages").slash(PathMatchers.segment()).slash(PathMatchers.segment()),
                        (id, action) -> post(() -> completeWithFuture(edit(caller, action, id)))))));
    }

    private CompletionStage<HttpResponse> list(Map<String, String> parameters) {
        for (String key : parameters.keySet()) {
            if (!FILTERS.contains(key) && !PAGE.contains(key)) return unknown(key);
        }
        Optional<String> words = AdminRequests.words(parameters, FILTERS)
                .flatMap(f -> AdminRequests.words(parameters, PAGE).map(p -> f + p));
        if (words.isEmpty()) return AdminRequests.badRequest("a filter value holds a space or a control character");
        String limit = parameters.containsKey("limit") ? "" : " limit=" + DEFAULT_LIMIT;
        return admin.read("qread --json" + words.get() + limit);
    }

    private CompletionStage<HttpResponse> one(String id) {
        if (!AdminRequests.plain(id)) return AdminRequests.badRequest("bad message id");
        return admin.read("message " + id + " --json");
    }

    private CompletionStage<HttpResponse> edit(Caller caller, String action, String id) {
        if (!ACTIONS.contains(action)) {
            return AdminRequests.badRequest("the actions are " + String.join(", ", ACTIONS));
        }
        if (!AdminRequests.plain(id)) return AdminRequests.badRequest("bad message id");
        return admin.act(caller, action.equals("flush") ? "flush id=" + id : "queue " + action + " " + id);
    }

    /** POST /api/v1/queue/ACTION?FILTER=VALUE...: the action on every message the filters match. */
    private CompletionStage<HttpResponse> onQueue(Caller caller, String action, Map<String, String> parameters) {
        if (!ACTIONS.contains(action)) {
            return AdminRequests.badRequest("the actions are " + String.join(", ", ACTIONS));
        }
        for (String key : parameters.keySet()) if (!FILTERS.contains(key)) return unknown(key);
        Optional<String> words = AdminRequests.words(parameters, FILTERS);
        if (words.isEmpty()) return AdminRequests.badRequest("a filter value holds a space or a control character");
        if (words.get().isEmpty()) {
            if (!action.equals("flush")) return AdminRequests.badRequest("name the messages with a filter");
            return admin.act(caller, "flush");
        }
        return admin.act(caller, (action.equals("flush") ? "flush" : "queue " + action) + words.get());
    }

    private static CompletionStage<HttpResponse> unknown(String parameter) {
        return AdminRequests.badRequest("unknown parameter " + parameter + "; the filters are "
                + String.join(", ", FILTERS) + ", the page offset and limit");
    }

    /** The message's events from acceptance on, then live, as Server-Sent Events of type {@code event}. */
    private Route trace(String id) {
        if (!AdminRequests.plain(id)) return complete(Replies.error(StatusCodes.BAD_REQUEST, "bad message id"));
        return onSuccess(view.history(id), history -> history.isEmpty()
                ? complete(Replies.error(StatusCodes.NOT_FOUND, "no such message: " + id))
                : completeOK(view.follow(id)
                        .map(e -> ServerSentEvent.create(Reports.event(e,
                                history.get().state().accepted().recipients()), "event", String.valueOf(e.seq())))
                        .keepAlive(KEEP_ALIVE, ServerSentEvent::heartbeat), EventStreamMarshalling.toEventStream()));
    }
}
