package dev.quail.engine.http;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * /api/v1/sites: each remote site with its state (quail sites), suspend for a time with a reason (quail suspend)
 * and resume (quail resume); /api/v1/tcpto: the downed hosts (quail tcpto).
 */
final class SiteRoutes extends AllDirectives {
    private final Guard guard;
    private final AdminRequests admin;

    SiteRoutes(Guard guard, AdminRequests admin) {
        this.guard = guard;
        this.admin = admin;
    }

    Route route() {
        return pathPrefix(PathMatchers.segment("api").slash("v1"), () -> guard.admin(caller -> concat(
                path("sites", () -> get(() -> completeWithFuture(admin.read("sites --json")))),
                path("tcpto", () -> get(() -> completeWithFuture(admin.read("tcpto --json")))),
                path(PathMatchers.segment("sites").slash(PathMatchers.segment()).slash("suspend"),
                        site -> post(() -> parameterMap(p -> completeWithFuture(suspend(caller, site, p))))),
                path(PathMatchers.segment("sites").slash(PathMatchers.segment()).slash("resume"),
                        site -> post(() -> completeWithFuture(resume(caller, site)))))));
    }

    /** ?seconds=N&reason=TEXT, as quail suspend SITE --for Ns --reason TEXT. */
    private CompletionStage<HttpResponse> suspend(Caller caller, String site, Map<String, String> parameters) {
        return admin.act(caller, () -> SiteLines.suspend(caller, site, parameters.getOrDefault("seconds", ""),
                parameters.getOrDefault("reason", "")));
    }

    private CompletionStage<HttpResponse> resume(Caller caller, String site) {
        return admin.act(caller, () -> SiteLines.resume(site));
    }
}
