package dev.quail.engine.http;

import dev.quail.engine.auth.Logins;
import dev.quail.engine.log.MessageLog;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * Signing in to the admin listener: users/admins checked on the bcrypt pool under the throttle SMTP AUTH and POP3
 * share ({@link Logins#against}), so an address guessing admin passwords is braked as one guessing mailbox
 * passwords is, and counts against the same allowance. A refusal is answered after the throttle's delay. Every
 * attempt is logged: {@code admin login ok NAME from IP}, {@code admin login failed for NAME from IP (N in the
 * last minute)}, {@code admin login throttled NAME from IP}, {@code admin login busy NAME from IP}.
 */
final class AdminLogin {
    sealed interface Outcome {}

    record SignedIn(Sessions.Session session) implements Outcome {}

    /** Why not, as the API's status and the words both the API and the sign-in page say. */
    enum Refusal implements Outcome {
        REFUSED(StatusCodes.UNAUTHORIZED, "wrong name or password"),
        THROTTLED(StatusCodes.TOO_MANY_REQUESTS, "too many failed logins from this address; try again in a minute"),
        BUSY(StatusCodes.SERVICE_UNAVAILABLE, "busy; try again");

        final StatusCode status;
        final String why;

        Refusal(StatusCode status, String why) {
            this.status = status;
            this.why = why;
        }
    }

    private final Logins logins;
    private final Sessions sessions;

    AdminLogin(Logins logins, Sessions sessions) {
        this.logins = logins;
        this.sessions = sessions;
    }

    CompletionStage<Outcome> signIn(InetAddress client, String name, char[] password) {
        String who = (name.matches("[A-Za-z0-9._-]{1,64}") ? name : "(a bad name)") + " from "
                + client.getHostAddress();
        return logins.throttle().guard(client, () -> logins.check(name, password),
                verdict -> verdict == Logins.Verdict.REFUSED).thenCompose(checked -> {
            if (checked.isEmpty()) {
                MessageLog.warning("admin login throttled " + who);
                return CompletableFuture.completedFuture(Refusal.THROTTLED);
            }
            switch (checked.get()) {
                case ACCEPTED -> {
                    MessageLog.info("admin login ok " + who);
                    return CompletableFuture.completedFuture(new SignedIn(sessions.open(name)));
                }
                case REFUSED -> {
                    MessageLog.warning("admin login failed for " + who + " ("
                            + logins.throttle().recent(client) + " in the last minute)");
                    return CompletableFuture.supplyAsync(() -> Refusal.REFUSED, CompletableFuture.delayedExecutor(
                            logins.throttle().delay(client).toMillis(), TimeUnit.MILLISECONDS));
                }
                default -> {
                    MessageLog.warning("admin login busy " + who);
                    return CompletableFuture.completedFuture(Refusal.BUSY);
                }
            }
        });
    }
}
