package dev.quail.engine.auth;

import dev.quail.engine.Controls;
import dev.quail.engine.log.MessageLog;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Password logins as every listener checks them (SMTP AUTH on every port, POP3): one {@link AuthThrottle} per
 * server, so a guesser gets authfailures a minute whatever the protocol and however many connections, and the
 * users/passwords checks ({@link Passwords}, bcrypt) on a pool of {@link #THREADS} threads with at most
 * {@link #WAITING} checks waiting. A bcrypt costs a quarter-second of CPU or more: a flood of logins takes two
 * cores' worth at most, never the deliveries' threads, and one more check than the pool holds is answered at once
 * as {@link Verdict#BUSY} (a temporary failure: 454 4.7.0 or -ERR) rather than queued without bound.
 */
public final class Logins {
    /** What users/passwords says of a user and password. */
    public enum Verdict { ACCEPTED, REFUSED, BUSY, UNAVAILABLE }

    static final int THREADS = 2;
    static final int WAITING = 32;

    private final Passwords passwords;
    private final AuthThrottle throttle;
    private final ExecutorService bcrypt;

    public Logins(Passwords passwords, Controls controls) {
        this(passwords, new AuthThrottle(() -> controls.current().control().limits().authfailures(),
                System::currentTimeMillis), pool());
    }

    Logins(Passwords passwords, AuthThrottle throttle, ExecutorService bcrypt) {
        this.passwords = passwords;
        this.throttle = throttle;
        this.bcrypt = bcrypt;
    }

    /**
     * Logins against another password file on the same throttle and bcrypt pool: the admin listener's accounts
     * (users/admins), so a guesser there gets no allowance of its own and no more CPU than the pool's.
     */
    public Logins against(Passwords other) {
        return new Logins(other, throttle, bcrypt);
    }

    public AuthThrottle throttle() {
        return throttle;
    }

    /** users/passwords' verdict, from the bcrypt pool; the password array is wiped once checked. */
    public CompletionStage<Verdict> check(String user, char[] password) {
        try {
            return CompletableFuture.supplyAsync(() -> verdict(user, password), bcrypt);
        } catch (RejectedExecutionException full) {
            Arrays.fill(password, '\0');
            return CompletableFuture.completedFuture(Verdict.BUSY);
        }
    }

    private Verdict verdict(String user, char[] password) {
        try {
            // A ':' or a line end would let a name reach into another line of the file: never a user.
            boolean plausible = !user.isEmpty() && user.chars().noneMatch(c -> c == ':' || c < 32 || c == 127);
            return plausible && passwords.check(user, password) ? Verdict.ACCEPTED : Verdict.REFUSED;
        } catch (IOException e) {
            MessageLog.warning("auth: unable to read the password file: " + e.getMessage());
            return Verdict.UNAVAILABLE;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static ExecutorService pool() {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(WAITING), r -> {
                    Thread t = new Thread(r, "quail-bcrypt-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }
}
