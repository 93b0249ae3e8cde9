package dev.quail.engine.auth;

import dev.quail.engine.RecentFailures;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The brake on password guessing, per client address over every listener that checks passwords (SMTP AUTH on
 * every port, POP3): once an address has failed authfailures times in a minute (10 by default), its further
 * attempts are not even checked until the oldest failure is a minute old; each failure is answered after a delay
 * that grows with the address's failures in the last minute (1 s, 2 s, … up to {@link #MAX_DELAY}).
 *
 * <p>An attempt counts as a failure from the moment it is let through ({@link #guard}), before its password is
 * checked, and is taken back only when it turns out not to be the client's failure (the password was right, or
 * could not be checked): so parallel connections cannot each get the allowance while the checks are in progress.
 * A success takes back that attempt only: it proves one password, not that the client stopped guessing others.
 * The counts are a {@link RecentFailures}. Thread-safe.
 */
public final class AuthThrottle {
    static final Duration WINDOW = RecentFailures.WINDOW;
    static final Duration STEP = Duration.ofSeconds(1);
    static final Duration MAX_DELAY = Duration.ofSeconds(5);

    private final IntSupplier maxFailures;
    private final RecentFailures failures;

    public AuthThrottle(IntSupplier maxFailures, LongSupplier millis) {
        this.maxFailures = maxFailures;
        this.failures = new RecentFailures(millis);
    }

    /**
     * Runs {@code check} for {@code client} unless the client failed too often lately (then empty, and nothing
     * runs). The attempt counts as a failure until {@code check}'s result is known, and after it unless
     * {@code clientsFailure} says the result was not one.
     */
    public <T> CompletionStage<Optional<T>> guard(InetAddress client, Supplier<CompletionStage<T>> check,
                                                  Predicate<T> clientsFailure) {
        Optional<Long> attempt = failures.attempt(client, maxFailures.getAsInt());
        if (attempt.isEmpty()) return CompletableFuture.completedFuture(Optional.empty());
        CompletionStage<T> result;
        try {
            result = check.get();
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.whenComplete((value, failure) -> {
            if (failure != null || !clientsFailure.test(value)) failures.takeBack(client, attempt.get());
        }).thenApply(Optional::of);
    }

    /** How long to wait before answering a failure of {@code client}. */
    public Duration delay(InetAddress client) {
        Duration delay = STEP.multipliedBy(recent(client));
        return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
    }

    /** Failures (attempts in progress included) in the last minute. */
    public int recent(InetAddress client) {
        return failures.recent(client);
    }
}
