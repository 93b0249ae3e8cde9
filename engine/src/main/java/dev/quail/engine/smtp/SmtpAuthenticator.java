package dev.quail.engine.smtp;

import dev.quail.engine.auth.Logins;
import dev.quail.engine.log.MessageLog;
import dev.quail.protocols.smtp.AuthResult;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Checks SMTP AUTH credentials for every SMTP listener through the server's {@link Logins}: users/passwords (the
 * store POP3 uses) on the bcrypt pool, under the throttle shared with POP3. A refusal is answered after the
 * throttle's delay; a client that failed too often lately is not checked (454, THROTTLED); a full bcrypt pool or
 * an unreadable password file is a temporary failure (454, UNAVAILABLE), not counted against the client. Every
 * outcome is logged: {@code auth ok USER from IP}, {@code auth failed for USER from IP (N in the last minute)},
 * {@code auth throttled USER from IP}, {@code auth busy USER from IP}. The password array is wiped once checked.
 */
public final class SmtpAuthenticator {
    private static final int LOGGED_USER_LENGTH = 100;

    private final Logins logins;

    public SmtpAuthenticator(Logins logins) {
        this.logins = logins;
    }

    public CompletionStage<AuthResult> check(InetAddress client, String user, char[] password) {
        String who = logged(user) + " from " + client.getHostAddress();
        return logins.throttle().guard(client, () -> logins.check(user, password),
                verdict -> verdict == Logins.Verdict.REFUSED).thenCompose(checked -> {
            if (checked.isEmpty()) {
                Arrays.fill(password, '\0');
                MessageLog.warning("auth throttled " + who);
                return CompletableFuture.completedFuture(AuthResult.THROTTLED);
            }
            switch (checked.get()) {
                case ACCEPTED -> {
                    MessageLog.info("auth ok " + who);
                    return CompletableFuture.completedFuture(AuthResult.ACCEPTED);
                }
                case REFUSED -> {
                    MessageLog.warning("auth failed for " + who + " (" + logins.throttle().recent(client)
                            + " in the last minute)");
                    return CompletableFuture.supplyAsync(() -> AuthResult.REFUSED, CompletableFuture.delayedExecutor(
                            logins.throttle().delay(client).toMillis(), TimeUnit.MILLISECONDS));
                }
                case BUSY -> {
                    MessageLog.warning("auth busy " + who);
                    return CompletableFuture.completedFuture(AuthResult.UNAVAILABLE);
                }
                default -> {
                    return CompletableFuture.completedFuture(AuthResult.UNAVAILABLE);
                }
            }
        });
    }

    private static String logged(String user) {
        return user.length() <= LOGGED_USER_LENGTH ? user : user.substring(0, LOGGED_USER_LENGTH) + "...";
    }
}
