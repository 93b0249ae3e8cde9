package dev.quail.engine.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** users/passwords verdicts from the bcrypt pool, and a full pool that answers BUSY at once. */
class LoginsTest {
    @TempDir
    Path dir;

    @Test
    void verdictsAndAFullPoolIsBusyWithoutWaiting() throws Exception {
        Passwords passwords = new Passwords(dir.resolve("passwords"));
        passwords.set("alice@example.org", "secret".toCharArray());
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1));
        Logins logins = new Logins(passwords, new AuthThrottle(() -> 10, System::currentTimeMillis), pool);
        try {
            assertEquals(Logins.Verdict.ACCEPTED, logins.check("alice@example.org", "secret".toCharArray())
                    .toCompletableFuture().join());
            assertEquals(Logins.Verdict.REFUSED, logins.check("alice@example.org", "guess".toCharArray())
                    .toCompletableFuture().join());
            assertEquals(Logins.Verdict.REFUSED, logins.check("alice@example.org:x", "secret".toCharArray())
                    .toCompletableFuture().join());
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            pool.execute(() -> {
                running.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            running.await();
            pool.execute(() -> { });
            char[] password = "secret".toCharArray();
            assertEquals(Logins.Verdict.BUSY, logins.check("alice@example.org", password).toCompletableFuture()
                    .getNow(null));
            assertEquals("\0\0\0\0\0\0", new String(password));
            release.countDown();
        } finally {
            pool.shutdown();
        }
    }
}
