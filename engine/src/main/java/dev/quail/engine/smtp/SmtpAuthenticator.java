package dev.quail.engine.smtp;

import dev.quail.engine.auth.Passwords;
import dev.quail.engine.log.MessageLog;
import dev.quail.protocols.smtp.AuthResult;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Checks SMTP AUTH credentials against users/passwords (the store POP3 uses, {@link Passwords}) for every SMTP
 * listener, with the {@link AuthThrottle} on guessing. A bcrypt check costs a quarter-second of CPU, so it runs
 * on the blocking-I/O executor, never on a stream thread. Every outcome is logged: {@code auth ok USER from IP},
 * {@code auth failed for USER from IP (N in the last minute)}, {@code auth throttled USER from IP}. The password
 * array is wiped once checked.
 */
public final class SmtpAuthenticator {
    private static final int LOGGED_USER_LENGTH = 100;

    private final Passwords passwords;
    private final AuthThrottle throttle;
    private final Executor io;

    public SmtpAuthenticator(Passwords passwords, Executor io) {
        this(passwords, new AuthThrottle(System::currentTimeMillis), io);
    }

    SmtpAuthenticator(Passwords passwords, AuthThrottle throttle, Executor io) {
        this.passwords = passwords;
        this.throttle = throttle;
        this.io = io;
    }

    public CompletionStage<AuthResult> check(InetAddress client, String user, char[] password) {
        String who = logged(user) + " from " + client.getHostAddress();
        if (!throttle.allows(client)) {
            Arrays.fill(password, '\0');
            MessageLog.warning("auth throttled " + who);
            return CompletableFuture.completedFuture(AuthResult.THROTTLED);
        }
        return CompletableFuture.supplyAsync(() -> verdict(user, password), io).thenCompose(result -> {
            if (result == AuthResult.ACCEPTED) {
                MessageLog.info("auth ok " + who);
                return CompletableFuture.completedFuture(result);
            }
            if (result == AuthResult.UNAVAILABLE) return CompletableFuture.completedFuture(result);
            Duration delay = throttle.failed(client);
            MessageLog.warning("auth failed for " + who + " (" + throttle.recent(client) + " in the last minute)");
            return CompletableFuture.supplyAsync(() -> result,
                    CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS, io));
        });
    }

    private AuthResult verdict(String user, char[] password) {
        try {
            // A ':' or a line end would let a name reach into another line of the file: never a user.
            boolean plausible = !user.isEmpty() && user.chars().noneMatch(c -> c == ':' || c < 32 || c == 127);
            return plausible && passwords.check(user, password) ? AuthResult.ACCEPTED : AuthResult.REFUSED;
        } catch (IOException e) {
            MessageLog.warning("auth: unable to read the password file: " + e.getMessage());
            return AuthResult.UNAVAILABLE;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static String logged(String user) {
        return user.length() <= LOGGED_USER_LENGTH ? user : user.substring(0, LOGGED_USER_LENGTH) + "...";
    }
}
