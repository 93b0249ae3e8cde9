package dev.quail.engine.http;

import dev.quail.engine.admin.QueueView;
import dev.quail.engine.admin.Reports;
import java.time.Duration;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
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
                path("queue", () -> get(() -> read(() -> "qshape --json"))),
                path(PathMatchers.segment("queue").slash("stat"), () -> get(() -> read(() -> "qstat --json"))),
                path(PathMatchers.segment("queue").slash(PathMatchers.segment()), action -> post(() -> parameterMap(
                        p -> act(caller, () -> QueueLines.onQueue(action, p))))),
                path("messages", () -> get(() -> parameterMap(p -> read(() -> QueueLines.list(p))))),
                path(PathMatchers.segment("messages").slash(PathMatchers.segment()), id -> concat(
                        get(() -> read(() -> QueueLines.one(id))),
                        delete(() -> act(caller, () -> QueueLines.edit("delete", id))))),
                path(PathMatchers.segment("messages").slash(PathMatchers.segment()).slash("trace"),
                        id -> get(() -> trace(id))),
                path(PathMatchers.segment("messages").slash(PathMatchers.segment()).slash(PathMatchers.segment()),
                        (id, action) -> post(() -> act(caller, () -> QueueLines.edit(action, id)))))));
    }

    private Route read(Supplier<String> line) {
        return completeWithFuture(admin.read(line));
    }

    private Route act(Caller caller, Supplier<String> line) {
        return completeWithFuture(admin.act(caller, line));
    }

    /** The message's events from acceptance on, then live up to its end, as Server-Sent Events of type {@code event}. */
    private Route trace(String id) {
        if (!AdminRequests.plain(id)) return complete(Replies.error(StatusCodes.BAD_REQUEST, "bad message id"));
        return onSuccess(view.follow(id), trace -> trace.isEmpty()
                ? complete(Replies.error(StatusCodes.NOT_FOUND, "no such message: " + id))
                : completeOK(trace.get().events()
                        .map(e -> ServerSentEvent.create(Reports.event(e,
                                trace.get().history().state().accepted().recipients()), "event",
                                String.valueOf(e.seq())))
                        .keepAlive(KEEP_ALIVE, ServerSentEvent::heartbeat), EventStreamMarshalling.toEventStream()));
    }
}
