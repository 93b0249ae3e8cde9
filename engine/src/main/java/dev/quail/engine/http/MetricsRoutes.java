package dev.quail.engine.http;

import dev.quail.engine.admin.QueueView;
import dev.quail.engine.metrics.Meters;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * GET /metrics: Prometheus' text format (version 0.0.4) from {@link Meters}' registry. Open to loopback clients
 * without credentials when control/httploopbackopen is 1, so a local Prometheus needs no token. The queue's size and
 * oldest age are counted from the journal at a scrape, at most every {@link #CENSUS_MILLIS} (a scraper every second
 * must not walk a large queue's ids every second), and a scrape waits for that at most {@link #CENSUS_WAIT_MILLIS}.
 */
final class MetricsRoutes extends AllDirectives {
    static final long CENSUS_MILLIS = 5_000;
    private static final long CENSUS_WAIT_MILLIS = 2_000;
    private static final ContentType PROMETHEUS = ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8");

    private final Guard guard;
    private final QueueView view;
    private final PrometheusMeterRegistry registry = Meters.prometheus();
    private CompletableFuture<Void> census = CompletableFuture.completedFuture(null);
    private long censusMillis;

    MetricsRoutes(Guard guard, QueueView view) {
        this.guard = guard;
        this.view = view;
    }

    Route route() {
        return path("metrics", () -> get(() -> guard.loopbackOrAdmin(() -> onSuccess(census(),
                x -> complete(HttpResponse.create()
                        .withEntity(PROMETHEUS, registry.scrape().getBytes(StandardCharsets.UTF_8)))))));
    }

    /** A fresh census when the last is older than CENSUS_MILLIS; the one under way otherwise. */
    private synchronized CompletionStage<Void> census() {
        long now = System.currentTimeMillis();
        if (census.isDone() && now - censusMillis >= CENSUS_MILLIS) {
            censusMillis = now;
            census = view.census().thenAccept(c -> Meters.census(c.messages(),
                    c.oldestBirthMillis().map(birth -> Math.max(0, (System.currentTimeMillis() - birth) / 1000))
                            .orElse(0L))).toCompletableFuture();
        }
        return census.exceptionally(e -> null).completeOnTimeout(null, CENSUS_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }
}
