package dev.quail.engine.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The brake on password guessing, at its edges: authfailures a minute per address, counted before the check (so
 * parallel attempts cannot multiply the allowance) and taken back when the check was no failure; delays 1 s .. 5 s.
 */
class AuthThrottleTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final AuthThrottle throttle = new AuthThrottle(() -> 10, now::get);
    private final InetAddress guesser = InetAddress.getLoopbackAddress();

    /** Runs an attempt whose check answers {@code failed}; empty when it was not let through. */
    private Optional<Boolean> attempt(InetAddress client, boolean failed) {
        return throttle.guard(client, () -> CompletableFuture.completedFuture(failed), f -> f)
                .toCompletableFuture().join();
    }

    @Test
    void theDelayGrowsBySecondsUpToFive() {
        for (int n = 1; n <= 7; n++) {
            attempt(guesser, true);
            assertEquals(Duration.ofSeconds(Math.min(n, 5)), throttle.delay(guesser), "failure " + n);
        }
    }

    @Test
    void tenFailuresAMinuteAreAllowedAndTheEleventhAttemptIsNotChecked() throws Exception {
        for (int n = 1; n <= 10; n++) assertEquals(Optional.of(true), attempt(guesser, true), "attempt " + n);
        assertEquals(Optional.empty(), attempt(guesser, false), "the eleventh is not checked, right or wrong");
        assertEquals(Optional.of(true), attempt(InetAddress.getByName("192.0.2.1"), true), "another address");
    }

    @Test
    void attemptsInProgressCountSoParallelConnectionsCannotMultiplyTheAllowance() {
        List<CompletableFuture<Boolean>> checks = new ArrayList<>();
        List<CompletionStage<Optional<Boolean>>> attempts = new ArrayList<>();
        for (int n = 0; n < 50; n++) {
            CompletableFuture<Boolean> check = new CompletableFuture<>();
            checks.add(check);
            attempts.add(throttle.guard(guesser, () -> check, f -> f));
        }
        checks.forEach(c -> c.complete(true));
        long letThrough = attempts.stream().filter(a -> a.toCompletableFuture().join().isPresent()).count();
        assertEquals(10, letThrough);
    }

    @Test
    void aSuccessTakesBackItsOwnAttemptOnly() {
        for (int n = 0; n < 9; n++) attempt(guesser, true);
        assertEquals(Optional.of(false), attempt(guesser, false));
        assertEquals(9, throttle.recent(guesser));
        attempt(guesser, true);
        assertEquals(Optional.empty(), attempt(guesser, false));
    }

    @Test
    void aCheckThatFailsIsNotTheClientsFailure() {
        CompletionStage<Optional<Boolean>> broken = throttle.guard(guesser,
                () -> CompletableFuture.failedFuture(new IllegalStateException("no password file")), f -> f);
        assertTrue(broken.toCompletableFuture().isCompletedExceptionally());
        assertEquals(0, throttle.recent(guesser));
    }

    @Test
    void failuresExpireAfterAMinuteAndAuthfailuresIsASetting() {
        AuthThrottle three = new AuthThrottle(() -> 3, now::get);
        for (int n = 0; n < 3; n++) three.guard(guesser, () -> CompletableFuture.completedFuture(true), f -> f);
        now.addAndGet(Duration.ofMinutes(1).toMillis() - 1);
        assertEquals(3, three.recent(guesser), "59.999 s later");
        now.addAndGet(1);
        assertEquals(0, three.recent(guesser), "60 s later");
        assertEquals(Duration.ZERO, three.delay(guesser));
    }
}
