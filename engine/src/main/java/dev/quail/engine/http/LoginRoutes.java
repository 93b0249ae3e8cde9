package dev.quail.engine.http;

import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpCookie;
import org.apache.pekko.http.javadsl.model.headers.SameSite;
import org.apache.pekko.http.javadsl.model.headers.SetCookie;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * POST /login (form fields name, password) opens a session: its cookie (HttpOnly, SameSite=Strict, Secure over
 * HTTPS) and, in the answer, the CSRF token its state-changing requests must carry. POST /logout ends it.
 * GET /api/v1/session says who is signed in and repeats the CSRF token. The web's sign-in page signs in and out
 * through the same methods.
 */
final class LoginRoutes extends AllDirectives {
    private final AdminLogin login;
    private final Sessions sessions;
    private final Guard guard;
    private final boolean https;

    LoginRoutes(AdminLogin login, Sessions sessions, Guard guard, boolean https) {
        this.login = login;
        this.sessions = sessions;
        this.guard = guard;
        this.https = https;
    }

    Route route() {
        return concat(
                path("login", () -> post(() -> signIn(this::answer,
                        () -> complete(Replies.error(StatusCodes.BAD_REQUEST, "no client address"))))),
                path("logout", () -> post(() -> guard.admin(caller -> signOut(caller, Replies.ok("{}\n"))))),
                path(PathMatchers.segment("api").slash("v1").slash("session"), () -> get(() -> guard.admin(
                        caller -> complete(Replies.ok(session(caller.admin(),
                                caller.session().map(Sessions.Session::csrf).orElse(null))))))));
    }

    /** A sign-in with the form fields name and password, from the peer's own address. */
    Route signIn(Function<AdminLogin.Outcome, Route> answer, Supplier<Route> noAddress) {
        return guard.clientAddress(client -> formFieldMap(form -> client.isEmpty() ? noAddress.get()
                : onSuccess(login.signIn(client.get(), form.getOrDefault("name", ""),
                        form.getOrDefault("password", "").toCharArray()), answer)));
    }

    /** The caller's session closed, and {@code answer} clearing its cookie. */
    Route signOut(Caller caller, HttpResponse answer) {
        caller.session().ifPresent(s -> sessions.close(s.id()));
        return complete(answer.addHeader(SetCookie.create(cookie("deleted").withMaxAge(0))));
    }

    /** The signed-in session's cookie on {@code answer}. */
    HttpResponse withCookie(HttpResponse answer, Sessions.Session session) {
        return answer.addHeader(SetCookie.create(cookie(session.id())));
    }

    private Route answer(AdminLogin.Outcome outcome) {
        if (outcome instanceof AdminLogin.SignedIn in) {
            HttpResponse ok = Replies.ok(session(in.session().admin(), in.session().csrf()));
            return complete(withCookie(ok, in.session()));
        }
        AdminLogin.Refusal refusal = (AdminLogin.Refusal) outcome;
        return complete(Replies.error(refusal.status, refusal.why));
    }

    private HttpCookie cookie(String value) {
        return HttpCookie.create(Guard.COOKIE, value).withPath("/").withHttpOnly(true).withSecure(https)
                .withSameSite(SameSite.Strict);
    }

    private static String session(String admin, String csrf) {
        return "{\"admin\":\"" + Replies.quote(admin) + "\",\"csrf\":"
                + (csrf == null ? "null" : "\"" + csrf + "\"") + "}\n";
    }
}
