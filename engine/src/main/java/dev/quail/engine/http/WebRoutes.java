package dev.quail.engine.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quail.engine.metrics.Meters;
import dev.quail.engine.metrics.Rates;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The web admin: server-rendered pages at /, /queue, /messages/ID, /mailboxes, /lists and /lists/LIST@DOMAIN, made
 * from the very Admin requests (through {@link QueueLines} and {@link SiteLines}), parsed from the same JSON, and
 * the {@link MailboxDesk} and {@link ListDesk} operations the API uses.
 * Every page but the sign-in page needs a session (a stranger is sent to /signin); every form that changes
 * something carries the session's CSRF token, which {@link Guard} checks. An action answers with a redirect to the
 * page it came from (so a reload repeats nothing), its result in a {@code done} or {@code failed} parameter.
 */
final class WebRoutes extends AllDirectives {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRACE_JS = resource("trace.js");
    private static final ContentType.NonBinary JAVASCRIPT = ContentTypes.create(MediaTypes.APPLICATION_JAVASCRIPT,
            HttpCharsets.UTF_8);

    private final LoginRoutes login;
    private final Guard guard;
    private final AdminRequests admin;
    private final MailboxDesk mailboxes;
    private final ListDesk lists;
    private final Rates rates;

    WebRoutes(LoginRoutes login, Guard guard, AdminRequests admin, MailboxDesk mailboxes, ListDesk lists,
              Rates rates) {
        this.login = login;
        this.guard = guard;
        this.admin = admin;
        this.mailboxes = mailboxes;
        this.lists = lists;
        this.rates = rates;
    }

    Route route() {
        return concat(
                path("signin", () -> concat(
                        get(() -> complete(Pages.signIn(StatusCodes.OK, ""))),
                        post(() -> login.signIn(this::signedIn,
                                () -> complete(Pages.signIn(StatusCodes.BAD_REQUEST, "no client address")))))),
                path("signout", () -> post(() -> guard.page(caller -> login.signOut(caller, see("/signin"))))),
                path("trace.js", () -> get(() -> guard.page(caller -> complete(HttpResponse.create()
                        .withEntity(JAVASCRIPT, TRACE_JS))))),
                guard.page(this::pages));
    }

    private Route pages(Caller caller) {
        return parameterMap(query -> concat(
                pathSingleSlash(() -> get(() -> completeWithFuture(dashboard(caller, query)))),
                path("queue", () -> get(() -> completeWithFuture(queue(caller, query)))),
                path(PathMatchers.segment("queue").slash(PathMatchers.segment()), action -> post(() -> formFieldMap(
                        form -> act(caller, () -> QueueLines.onQueue(action, filters(form)),
                                "/queue" + QueuePage.query(filters(form)))))),
                path(PathMatchers.segment("messages").slash(PathMatchers.segment()),
                        id -> get(() -> completeWithFuture(message(caller, id, query)))),
                path(PathMatchers.segment("messages").slash(PathMatchers.segment()).slash(PathMatchers.segment()),
                        (id, action) -> post(() -> act(caller, () -> QueueLines.edit(action, id),
                                action.equals("delete") ? "/queue" : "/messages/" + encode(id)))),
                path(PathMatchers.segment("sites").slash("suspend"), () -> post(() -> formFieldMap(
                        f -> act(caller, () -> SiteLines.suspend(caller, f.getOrDefault("site", ""),
                                f.getOrDefault("seconds", ""), f.getOrDefault("reason", "")), "/")))),
                path(PathMatchers.segment("sites").slash("resume"), () -> post(() -> formFieldMap(
                        f -> act(caller, () -> SiteLines.resume(f.getOrDefault("site", "")), "/")))),
                path("mailboxes", () -> concat(
                        get(() -> completeWithFuture(mailboxList(caller, query))),
                        post(() -> formFieldMap(f -> mailbox(() -> mailboxes.add(caller, f)))))),
                path(PathMatchers.segment("mailboxes").slash("password"), () -> post(() -> formFieldMap(
                        f -> mailbox(() -> mailboxes.password(caller, f.getOrDefault("address", ""), f))))),
                path(PathMatchers.segment("mailboxes").slash("forwards"), () -> post(() -> formFieldMap(
                        f -> mailbox(() -> mailboxes.forward(caller, f.getOrDefault("address", ""), f))))),
                path(PathMatchers.segment("mailboxes").slash("autoresponder"), () -> post(() -> formFieldMap(
                        f -> mailbox(() -> f.containsKey("off")
                                ? mailboxes.stopAutoresponder(caller, f.getOrDefault("address", ""))
                                : mailboxes.autorespond(caller, f.getOrDefault("address", ""), f))))),
                path(PathMatchers.segment("mailboxes").slash("remove"), () -> post(() -> formFieldMap(
                        f -> mailbox(() -> mailboxes.remove(caller, f.getOrDefault("address", "")))))),
                path("lists", () -> concat(
                        get(() -> completeWithFuture(filed(lists.attempt(lists::all),
                                all -> Pages.layout(caller, "Lists", query, ListsPage.all(caller, all))))),
                        post(() -> formFieldMap(f -> back(lists.attempt(() -> lists.create(caller, f)), "/lists"))))),
                path(PathMatchers.segment("lists").slash("delete"), () -> post(() -> formFieldMap(f -> back(
                        lists.attempt(() -> lists.delete(caller, f.getOrDefault("list", ""))), "/lists")))),
                path(PathMatchers.segment("lists").slash(PathMatchers.segment()), list -> get(() -> completeWithFuture(
                        filed(lists.attempt(() -> new ListsPage.One(lists.show(list), lists.members(list, query),
                                lists.bounces(list))), one -> Pages.layout(caller, "List " + list, query,
                                ListsPage.one(caller, one)))))),
                path(PathMatchers.segment("lists").slash(PathMatchers.segment()).slash(PathMatchers.segment()),
                        (list, action) -> post(() -> formFieldMap(f -> action.equals("subscribe")
                                || action.equals("unsubscribe") ? back(lists.attempt(() -> lists.change(caller, list,
                                f, action.equals("subscribe"))), ListsPage.link(list)) : reject())))));
    }

    private Route signedIn(AdminLogin.Outcome outcome) {
        if (outcome instanceof AdminLogin.SignedIn in) {
            return complete(login.withCookie(see("/"), in.session()));
        }
        AdminLogin.Refusal refusal = (AdminLogin.Refusal) outcome;
        return complete(Pages.signIn(refusal.status, refusal.why));
    }

    private CompletionStage<HttpResponse> dashboard(Caller caller, Map<String, String> query) {
        var stat = read("qstat --json");
        var shape = read("qshape --json");
        var sites = read("sites --json");
        var tcpto = read("tcpto --json");
        Map<String, Double> totals = Meters.totals();
        Map<String, Rates.PerMinute> perMinute = rates.at(Instant.now(), totals);
        return CompletableFuture.allOf(stat, shape, sites, tcpto).thenApply(x -> Pages.layout(caller, "Dashboard",
                query, DashboardPage.render(caller, stat.join(), shape.join(), sites.join(), tcpto.join(),
                        totals, perMinute)));
    }

    private CompletionStage<HttpResponse> queue(Caller caller, Map<String, String> query) {
        Map<String, String> asked = new HashMap<>(query);
        asked.remove("done");
        asked.remove("failed");
        asked.values().removeIf(String::isEmpty); // the filter form sends its empty fields too
        return answer(() -> QueueLines.list(asked), list -> Pages.layout(caller, "Queue", query,
                QueuePage.render(caller, asked, list)));
    }

    private CompletionStage<HttpResponse> message(Caller caller, String id, Map<String, String> query) {
        return answer(() -> QueueLines.one(id), m -> Pages.layout(caller, "Message " + id, query,
                MessagePage.render(caller, m)));
    }

    private CompletionStage<HttpResponse> mailboxList(Caller caller, Map<String, String> query) {
        return filed(mailboxes.attempt(mailboxes::list), boxes -> Pages.layout(caller, "Mailboxes", query,
                MailboxesPage.render(caller, boxes)));
    }

    /** A page made from a file operation's value, or its refusal on an error page (404 for an unknown list). */
    private static <T> CompletionStage<HttpResponse> filed(CompletionStage<FileWork.Done<T>> done,
                                                           Function<T, HttpResponse> page) {
        return done.thenApply(d -> d.ok() ? page.apply(d.value()) : Pages.error(d.status(), d.why()));
    }

    /** A page made from one Admin answer, or the refusal on an error page (404 for an unknown message). */
    private CompletionStage<HttpResponse> answer(Supplier<String> line, Function<JsonNode, HttpResponse> page) {
        return AdminRequests.made(line, asked -> admin.query(asked).thenApply(a -> a.ok()
                ? page.apply(parse(a.text()))
                : Pages.error(AdminRequests.missing(a.text()) ? StatusCodes.NOT_FOUND : StatusCodes.BAD_REQUEST,
                        a.text().strip())),
                why -> CompletableFuture.completedFuture(Pages.error(StatusCodes.BAD_REQUEST, why)));
    }

    /** An action by {@code caller}, then back to {@code back} with its result. */
    private Route act(Caller caller, Supplier<String> line, String back) {
        return completeWithFuture(AdminRequests.made(line, asked -> admin.perform(caller, asked)
                        .thenApply(a -> see(back, a.ok() ? "done" : "failed", a.text())),
                why -> CompletableFuture.completedFuture(see(back, "failed", why))));
    }

    private Route mailbox(MailboxDesk.Work<String> work) {
        return back(mailboxes.attempt(work), "/mailboxes");
    }

    /** A file operation's result, on the page {@code page} the browser is sent back to. */
    private Route back(CompletionStage<FileWork.Done<String>> done, String page) {
        return onSuccess(done, d -> complete(see(page, d.ok() ? "done" : "failed", d.ok() ? d.value() : d.why())));
    }

    private CompletableFuture<JsonNode> read(String line) {
        return admin.query(line).thenApply(a -> a.ok() ? parse(a.text()) : JSON.createObjectNode()
                .put("error", a.text().strip())).toCompletableFuture();
    }

    /** The form's filter fields that are filled in (a form sends the empty ones too), without its CSRF token. */
    private static Map<String, String> filters(Map<String, String> form) {
        return form.entrySet().stream().filter(e -> QueueLines.FILTERS.contains(e.getKey()) && !e.getValue().isEmpty())
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static HttpResponse see(String back, String key, String text) {
        return see(back + (back.contains("?") ? "&" : "?") + key + "=" + encode(text));
    }

    private static HttpResponse see(String location) {
        return HttpResponse.create().withStatus(StatusCodes.SEE_OTHER).addHeader(Location.create(location));
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = WebRoutes.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
