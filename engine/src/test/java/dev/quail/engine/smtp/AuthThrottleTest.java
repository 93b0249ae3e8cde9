package dev.quail.engine.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The brake on password guessing, at its edges: 10 failures a minute, delays 1 s .. 5 s, per address. */
class AuthThrottleTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final AuthThrottle throttle = new AuthThrottle(now::get);
    private final InetAddress guesser = InetAddress.getLoopbackAddress();

    @Test
    void theDelayGrowsBySecondsUpToFive() {
        for (int n = 1; n <= 7; n++) {
            assertEquals(Duration.ofSeconds(Math.min(n, 5)), throttle.failed(guesser), "failure " + n);
        }
    }

    @Test
    void tenFailuresAMinuteAreAllowedAndTheEleventhAttemptIsNotChecked() throws Exception {
        for (int n = 1; n <= 9; n++) throttle.failed(guesser);
        assertTrue(throttle.allows(guesser), "after 9 failures");
        throttle.failed(guesser);
        assertFalse(throttle.allows(guesser), "after 10 failures");
        assertTrue(throttle.allows(InetAddress.getByName("192.0.2.1")), "another address is not affected");
    }

    @Test
    void failuresExpireAfterAMinute() {
        for (int n = 1; n <= 10; n++) throttle.failed(guesser);
        now.addAndGet(Duration.ofMinutes(1).toMillis() - 1);
        assertFalse(throttle.allows(guesser), "59.999 s later");
        now.addAndGet(1);
        assertTrue(throttle.allows(guesser), "60 s later");
        assertEquals(0, throttle.recent(guesser));
        assertEquals(Duration.ofSeconds(1), throttle.failed(guesser));
    }
}
