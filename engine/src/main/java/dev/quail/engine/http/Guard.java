package dev.quail.engine.http;

import dev.quail.engine.log.MessageLog;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Every request's credential: a bearer token (scripts) or the session cookie (the browser). Without one the
 * answer is 401, the same for every path, so nothing (not even whether a mailbox exists) leaks to a stranger. A
 * state-changing request made with the cookie must also carry its session's CSRF token, in the X-CSRF-Token header
 * or a form field named csrf, or it is refused with 403: the cookie is sent by the browser whoever made the page,
 * the token only by pages Quail served. Bearer requests need none: no browser sends a bearer token by itself.
 */
final class Guard extends AllDirectives {
    static final String COOKIE = "quail_session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final String CSRF_FIELD = "csrf";
    private static final String BEARER = "Bearer ";

    private final Sessions sessions;
    private final AdminTokens tokens;
    private final Executor io;
    private final BooleanSupplier openOnLoopback;

    Guard(Sessions sessions, AdminTokens tokens, Executor io, BooleanSupplier openOnLoopback) {
        this.sessions = sessions;
        this.tokens = tokens;
        this.io = io;
        this.openOnLoopback = openOnLoopback;
    }

    /** {@code inner} for an authenticated caller (and, for a state change by cookie, a valid CSRF token). */
    Route admin(Function<Caller, Route> inner) {
        return admin(inner, this::unauthorized);
    }

    /** As {@link #admin(Function)} for a web page: a stranger is sent to the sign-in page instead. */
    Route page(Function<Caller, Route> inner) {
        return admin(inner, () -> redirect(Uri.create("/signin"), StatusCodes.SEE_OTHER));
    }

    private Route admin(Function<Caller, Route> inner, Supplier<Route> stranger) {
        return optionalHeaderValueByName("Authorization", auth -> optionalCookie(COOKIE, cookie -> {
            if (auth.isPresent() && auth.get().startsWith(BEARER)) {
                String token = auth.get().substring(BEARER.length()).strip();
                return onSuccess(CompletableFuture.supplyAsync(() -> owner(token), io), owner -> owner
                        .map(name -> inner.apply(new Caller(name, Optional.empty())))
                        .orElseGet(stranger));
            }
            Optional<Sessions.Session> session = cookie.flatMap(c -> sessions.find(c.value()));
            if (session.isEmpty()) return stranger.get();
            Caller caller = new Caller(session.get().admin(), session);
            return extractMethod(method -> safe(method) ? inner.apply(caller)
                    : csrf(session.get(), () -> inner.apply(caller)));
        }));
    }

    /** {@code inner} for anyone on loopback when httploopbackopen says so (a local Prometheus, a health check). */
    Route loopbackOrAdmin(Supplier<Route> inner) {
        return clientAddress(client -> openOnLoopback.getAsBoolean() && client.map(InetAddress::isLoopbackAddress)
                .orElse(false) ? inner.get() : admin(caller -> inner.get()));
    }

    /** The peer's own address (never X-Forwarded-For, which any client can write). */
    Route clientAddress(Function<Optional<InetAddress>, Route> inner) {
        return optionalAttribute(AttributeKeys.remoteAddress,
                remote -> inner.apply(remote.flatMap(r -> r.getAddress())));
    }

    private Route csrf(Sessions.Session session, Supplier<Route> inner) {
        return optionalHeaderValueByName(CSRF_HEADER, header -> {
            if (header.isPresent()) return matches(session, header.get()) ? inner.get() : forbidden();
            return extractRequest(request -> request.entity().getContentType().mediaType()
                    .equals(MediaTypes.APPLICATION_X_WWW_FORM_URLENCODED)
                    ? formFieldOptional(CSRF_FIELD, field -> field.filter(f -> matches(session, f)).isPresent()
                            ? inner.get() : forbidden())
                    : forbidden());
        });
    }

    private static boolean matches(Sessions.Session session, String presented) {
        return MessageDigest.isEqual(session.csrf().getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    private Optional<String> owner(String token) {
        try {
            return tokens.owner(token);
        } catch (IOException e) {
            MessageLog.warning("http: unable to read the admin tokens: " + e.getMessage());
            return Optional.empty();
        }
    }

    private static boolean safe(HttpMethod method) {
        return method.equals(HttpMethods.GET) || method.equals(HttpMethods.HEAD);
    }

    Route unauthorized() {
        return complete(Replies.error(StatusCodes.UNAUTHORIZED, "sign in or send a bearer token")
                .addHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"quail\"")));
    }

    private Route forbidden() {
        return complete(Replies.error(StatusCodes.FORBIDDEN,
                "missing or wrong CSRF token (" + CSRF_HEADER + " header or " + CSRF_FIELD + " field)"));
    }
}
