package dev.quail.engine.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * The web admin's frame: the page around each view (navigation, the result of the last action, a small inline
 * stylesheet), the sign-in and error pages, and the forms that change something, which always carry the session's
 * CSRF token. A strict Content-Security-Policy lets a page run only Quail's own script (trace.js) and talk only to
 * Quail, so text that slipped through escaping still could not act.
 */
final class Pages {
    private static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'unsafe-inline'; "
            + "img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final Html STYLE = Html.of("""
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222}
            header{background:#234;color:#fff;padding:.5em 1em;display:flex;gap:1.5em;align-items:center}
            header a{color:#fff} header form{margin-left:auto}
            main{padding:1em} table{border-collapse:collapse;margin:.5em 0}
            td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}
            .done{background:#dfd;padding:.5em} .failed,.alert{background:#fdd;padding:.5em}
            form.inline{display:inline} pre{white-space:pre-wrap;margin:0} li{font-family:monospace}
            </style>""");

    private Pages() {}

    /** A signed-in page: the navigation, the last action's result (a done or failed parameter), then {@code body}. */
    static HttpResponse layout(Caller caller, String title, Map<String, String> query, Html body) {
        List<Html> flash = new ArrayList<>();
        if (query.containsKey("done")) flash.add(Html.of("<p class=\"done\" id=\"done\">{}</p>", query.get("done")));
        if (query.containsKey("failed")) {
            flash.add(Html.of("<p class=\"failed\" id=\"failed\">{}</p>", query.get("failed")));
        }
        return html(StatusCodes.OK, title, Html.of("""
                <header><strong>Quail</strong><a href="/">Dashboard</a><a href="/queue">Queue</a>\
                <a href="/mailboxes">Mailboxes</a><a href="/lists">Lists</a><span>{}</span>{}</header><main><h1>{}</h1>{}{}</main>""",
                caller.admin(), form(caller, "/signout", Html.of(""), "Sign out"), title, flash, body));
    }

    static HttpResponse signIn(StatusCode status, String error) {
        return html(status, "Sign in", Html.of("""
                <main><h1>Quail: sign in</h1>{}<form method="post" action="/signin">\
                <p><label>Name <input name="name" id="name" autocomplete="username" required></label></p>\
                <p><label>Password <input name="password" id="password" type="password" \
                autocomplete="current-password" required></label></p>\
                <p><button type="submit" id="signin">Sign in</button></p></form></main>""",
                error.isEmpty() ? Html.of("") : Html.of("<p class=\"failed\" id=\"failed\">{}</p>", error)));
    }

    static HttpResponse error(StatusCode status, String text) {
        return html(status, "Quail", Html.of("<main><p class=\"failed\" id=\"failed\">{}</p>"
                + "<p><a href=\"/\">Dashboard</a> <a href=\"/queue\">Queue</a></p></main>", text));
    }

    /** A form that POSTs {@code fields} and the CSRF token to {@code action}, as one button. */
    static Html form(Caller caller, String action, Html fields, String button) {
        return Html.of("<form class=\"inline\" method=\"post\" action=\"{}\">{}{}<button type=\"submit\">{}"
                + "</button></form>", action, csrf(caller), fields, button);
    }

    /** The session's CSRF token as a hidden field (none for a bearer caller, who needs none). */
    static Html csrf(Caller caller) {
        return caller.session().map(s -> Html.of("<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                Guard.CSRF_FIELD, s.csrf())).orElse(Html.of(""));
    }

    static Html hidden(String name, String value) {
        return Html.of("<input type=\"hidden\" name=\"{}\" value=\"{}\">", name, value);
    }

    private static HttpResponse html(StatusCode status, String title, Html body) {
        String page = Html.of("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>{}"
                + "</head><body>{}</body></html>", title, STYLE, body).toString();
        return HttpResponse.create().withStatus(status).withEntity(ContentTypes.TEXT_HTML_UTF8, page)
                .addHeader(RawHeader.create("Content-Security-Policy", POLICY))
                .addHeader(RawHeader.create("X-Content-Type-Options", "nosniff"))
                .addHeader(RawHeader.create("Referrer-Policy", "no-referrer"))
                .addHeader(RawHeader.create("Cache-Control", "no-store"));
    }
}
