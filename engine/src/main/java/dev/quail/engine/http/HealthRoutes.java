package dev.quail.engine.http;

import dev.quail.persistence.journal.JournalStore;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * GET /healthz: the process answers. GET /readyz: it can take mail, which is what a load balancer or an alert
 * wants to know: the journal writes, the listeners are bound, and the queue's disk is above its reserve (the same
 * test that makes SMTP answer 452, QueueSpace). 200 or 503, with each check in the JSON body.
 */
final class HealthRoutes extends AllDirectives {
    private final Guard guard;
    private final Supplier<JournalStore.Health> journal;
    private final BooleanSupplier listening;
    private final BooleanSupplier diskLow;

    HealthRoutes(Guard guard, Supplier<JournalStore.Health> journal, BooleanSupplier listening,
                 BooleanSupplier diskLow) {
        this.guard = guard;
        this.journal = journal;
        this.listening = listening;
        this.diskLow = diskLow;
    }

    Route route() {
        return concat(
                path("healthz", () -> get(() -> guard.loopbackOrAdmin(() -> complete(HttpResponse.create()
                        .withEntity(ContentTypes.TEXT_PLAIN_UTF8, "ok\n"))))),
                path("readyz", () -> get(() -> guard.loopbackOrAdmin(() -> complete(readiness())))));
    }

    private HttpResponse readiness() {
        JournalStore.Health health = journal.get();
        boolean bound = listening.getAsBoolean();
        boolean space = !diskLow.getAsBoolean();
        boolean ready = health.ok() && bound && space;
        return Replies.json(ready ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE,
                "{\"ready\":" + ready + ",\"journal\":{\"ok\":" + health.ok() + ",\"detail\":\""
                        + Replies.quote(health.detail()) + "\"},\"listeners\":" + bound + ",\"disk\":" + space + "}\n");
    }
}
