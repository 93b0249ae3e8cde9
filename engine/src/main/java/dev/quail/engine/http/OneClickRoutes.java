package dev.quail.engine.http;

import dev.quail.engine.lists.OneClick;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The one-click unsubscribe endpoint of RFC 8058, {@code /lists/LIST@DOMAIN/unsubscribe/MEMBER/TOKEN}: the one
 * route of the admin listener that needs no login, because the token in the URL is the authority (a keyed check
 * only the list can make, see {@link OneClick}).
 * <ul>
 * <li>POST with the form body {@code List-Unsubscribe=One-Click}: unsubscribes at once, 200;</li>
 * <li>GET: a page with a button that makes that POST (a mail client or a scanner following links unsubscribes
 *     nobody);</li>
 * <li>a forged or malformed link: 403; a POST without the One-Click body: 400.</li>
 * </ul>
 */
final class OneClickRoutes extends AllDirectives {
    private final OneClick oneClick;
    private final Executor io;

    OneClickRoutes(OneClick oneClick, Executor io) {
        this.oneClick = oneClick;
        this.io = io;
    }

    Route route() {
        return pathPrefix(PathMatchers.segment("lists").slash(PathMatchers.segment()).slash("unsubscribe"),
                list -> path(PathMatchers.segment().slash(PathMatchers.segment()), (member, token) -> concat(
                        get(() -> completeWithFuture(run(() -> page(list, member, token)))),
                        post(() -> formFieldOptional("List-Unsubscribe", field -> completeWithFuture(run(
                                () -> unsubscribe(list, member, token, field))))))));
    }

    private HttpResponse page(String list, String member, String token) throws IOException {
        Optional<OneClick.Link> link = oneClick.check(list, member, token);
        if (link.isEmpty()) return forged();
        return html(StatusCodes.OK, "<p>Unsubscribe <b>" + escape(link.get().member()) + "</b> from <b>"
                + escape(link.get().list().name().address()) + "</b>?</p>\n"
                + "<form method=\"post\"><input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">"
                + "<button type=\"submit\">Unsubscribe</button></form>\n");
    }

    private HttpResponse unsubscribe(String list, String member, String token, Optional<String> field)
            throws IOException {
        Optional<OneClick.Link> link = oneClick.check(list, member, token);
        if (link.isEmpty()) return forged();
        if (!field.equals(Optional.of("One-Click"))) {
            return html(StatusCodes.BAD_REQUEST, "<p>Expected the body List-Unsubscribe=One-Click (RFC 8058).</p>\n");
        }
        boolean removed = oneClick.unsubscribe(link.get());
        return html(StatusCodes.OK, "<p>" + escape(link.get().member()) + (removed ? " is now unsubscribed from "
                : " was not subscribed to ") + escape(link.get().list().name().address()) + ".</p>\n");
    }

    private static HttpResponse forged() {
        return html(StatusCodes.FORBIDDEN, "<p>This unsubscribe link is not valid.</p>\n");
    }

    private static HttpResponse html(StatusCode status, String body) {
        return HttpResponse.create().withStatus(status).withEntity(ContentTypes.TEXT_HTML_UTF8,
                "<!doctype html>\n<title>Unsubscribe</title>\n" + body);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** The file work on the blocking-I/O executor, never on a route's thread. */
    private CompletionStage<HttpResponse> run(Work work) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return work.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, io);
    }

    private interface Work {
        HttpResponse run() throws IOException;
    }
}
