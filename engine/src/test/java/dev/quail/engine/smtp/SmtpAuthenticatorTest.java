package dev.quail.engine.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.engine.TestHomes;
import dev.quail.engine.auth.Logins;
import dev.quail.engine.auth.Passwords;
import dev.quail.protocols.smtp.AuthResult;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SMTP AUTH against users/passwords: verdicts, the delay after a failure, the throttle, odd user names. */
class SmtpAuthenticatorTest {
    @TempDir
    static Path dir;
    /** One bcrypt hash for every test: each costs a quarter-second or more. */
    private static Passwords passwords;
    private final InetAddress client = InetAddress.getLoopbackAddress();
    private Logins logins;
    private SmtpAuthenticator auth;

    @BeforeAll
    static void store() throws Exception {
        passwords = new Passwords(dir.resolve("passwords"));
        passwords.set("alice@example.org", "secret".toCharArray());
    }

    @BeforeEach
    void authenticator() throws Exception {
        logins = new Logins(passwords, TestHomes.controls(Map.of("authfailures", "3")));
        auth = new SmtpAuthenticator(logins);
    }

    private AuthResult check(String user, String password) {
        return auth.check(client, user, password.toCharArray()).toCompletableFuture().join();
    }

    @Test
    void theRightPasswordIsAcceptedAtOnceAndTheArrayWiped() {
        char[] password = "secret".toCharArray();
        assertEquals(AuthResult.ACCEPTED,
                auth.check(client, "Alice@Example.org", password).toCompletableFuture().join());
        assertEquals("\0\0\0\0\0\0", new String(password));
        assertEquals(0, logins.throttle().recent(client));
    }

    @Test
    void aWrongPasswordIsRefusedAfterTheDelayAndCounted() {
        long start = System.nanoTime();
        assertEquals(AuthResult.REFUSED, check("alice@example.org", "guess"));
        assertTrue(System.nanoTime() - start >= 1_000_000_000L, "answered after at least 1 s");
        assertEquals(1, logins.throttle().recent(client));
        assertEquals(AuthResult.REFUSED, check("nobody@example.org", "secret"));
        assertEquals(2, logins.throttle().recent(client));
    }

    @Test
    void aThrottledClientIsNotCheckedEvenWithTheRightPassword() {
        for (int n = 0; n < 3; n++) assertEquals(AuthResult.REFUSED, check("alice@example.org", "guess"));
        assertEquals(AuthResult.THROTTLED, check("alice@example.org", "secret"));
    }

    @Test
    void aUserNameThatCouldReachIntoTheFileIsRefused() {
        assertEquals(AuthResult.REFUSED, check("alice@example.org:$2a$12$", "secret"));
        assertEquals(AuthResult.REFUSED, check("alice@example.org\nx", "secret"));
    }
}
