package dev.quail.engine.http;

import java.util.List;
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
 * GET /api/v1/session says who is signed in and repeats the CSRF token.
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
                path("login", () -> post(() -> guard.clientAddress(client -> formFieldOptional("name",
                        name -> formFieldOptional("password", password -> client.isEmpty()
                                ? complete(Replies.error(StatusCodes.BAD_REQUEST, "no client address"))
                                : onSuccess(login.signIn(client.get(), name.orElse(""),
                                        password.orElse("").toCharArray()), this::answer)))))),
                path("logout", () -> post(() -> guard.admin(caller -> {
                    caller.session().ifPresent(s -> sessions.close(s.id()));
                    return complete(Replies.ok("{}\n").addHeader(SetCookie.create(cookie("deleted").withMaxAge(0))));
                }))),
                path(PathMatchers.segment("api").slash("v1").slash("session"), () -> get(() -> guard.admin(
                        caller -> complete(Replies.ok(session(caller.admin(),
                                caller.session().map(Sessions.Session::csrf).orElse(null))))))));
    }

    private Route answer(AdminLogin.Outcome outcome) {
        if (outcome instanceof AdminLogin.SignedIn in) {
            HttpResponse ok = Replies.ok(session(in.session().admin(), in.session().csrf()));
            return complete(ok.addHeaders(List.of(SetCookie.create(cookie(in.session().id())))));
        }
        AdminLogin.Refusal refusal = (AdminLogin.Refusal) outcome;
        return complete(Replies.error(refusal.status, refusal.why));
    }

    private HttpCookie cookie(String value) {
        return cookie(value, https);
    }

    /** The session cookie: HttpOnly, SameSite=Strict, Secure over HTTPS; the web's sign-in page sets it too. */
    static HttpCookie cookie(String value, boolean https) {
        return HttpCookie.create(Guard.COOKIE, value).withPath("/").withHttpOnly(true).withSecure(https)
                .withSameSite(SameSite.Strict);
    }

    private static String session(String admin, String csrf) {
        return "{\"admin\":\"" + Replies.quote(admin) + "\",\"csrf\":"
                + (csrf == null ? "null" : "\"" + csrf + "\"") + "}\n";
    }
}
