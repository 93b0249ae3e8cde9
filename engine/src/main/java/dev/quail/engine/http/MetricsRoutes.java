package dev.quail.engine.http;

import dev.quail.engine.metrics.Meters;
import java.nio.charset.StandardCharsets;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * GET /metrics: Prometheus' text format (version 0.0.4) from {@link Meters}' registry. Open to loopback clients
 * without credentials when control/httploopbackopen is 1, so a local Prometheus needs no token.
 */
final class MetricsRoutes extends AllDirectives {
    private static final ContentType PROMETHEUS = ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8");

    private final Guard guard;
    private final PrometheusMeterRegistry registry = Meters.prometheus();

    MetricsRoutes(Guard guard) {
        this.guard = guard;
    }

    Route route() {
        return path("metrics", () -> get(() -> guard.loopbackOrAdmin(
                () -> complete(HttpResponse.create()
                        .withEntity(PROMETHEUS, registry.scrape().getBytes(StandardCharsets.UTF_8))))));
    }
}
