package dev.quail.engine.auth;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * users/passwords: one {@code address:bcrypt-hash} line per mailbox, for POP3 and SMTP AUTH (and users/admins, the
 * same for the admin listener's accounts). Hashes are bcrypt (cost 12, Bouncy Castle), so a stolen file costs an
 * attacker about a quarter-second per guess per address. A check for an unknown address still spends one bcrypt
 * on a dummy hash, so timing does not reveal which addresses exist. Addresses compare case-insensitively, as
 * mailbox names do. The file is a {@link KeyedFile}: mode 0600, replaced whole.
 */
public final class Passwords {
    static final int COST = 12;
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * What an unknown address is checked against, so it costs the same bcrypt as a known one (cost 12, like every
     * hash here). Written out rather than made at class load: making it cost the server a second or more of its
     * start before SMTP could listen. It never grants anything (check() requires a known address as well).
     */
    static final String DUMMY = "$2y$12$ArXmCMmxl3cjJ0LsiDNXVu4eM4hZ9ZNFbvbHx70rq5fdoM4qVVfzm";

    private final KeyedFile file;

    public Passwords(Path file) {
        this.file = new KeyedFile(file);
    }

    /** Sets (or replaces) the password of {@code address}; the file is rewritten atomically. */
    public void set(String address, char[] password) throws IOException {
        if (password.length == 0) throw new IllegalArgumentException("empty password");
        file.put(address, OpenBSDBCrypt.generate(password, salt(), COST));
    }

    /** Whether {@code address} has a password. */
    public boolean has(String address) throws IOException {
        return file.get(address).isPresent();
    }

    /** True only for a known address with this password; always costs one bcrypt. */
    public boolean check(String address, char[] password) throws IOException {
        Optional<String> hash = file.get(address);
        if (password.length == 0) {
            OpenBSDBCrypt.checkPassword(DUMMY, "y".toCharArray());
            return false;
        }
        boolean ok = OpenBSDBCrypt.checkPassword(hash.orElse(DUMMY), password);
        return ok && hash.isPresent();
    }

    private static byte[] salt() {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return salt;
    }
}
