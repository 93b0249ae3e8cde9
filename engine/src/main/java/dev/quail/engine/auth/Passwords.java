package dev.quail.engine.auth;

import dev.quail.persistence.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * users/passwords: one {@code address:bcrypt-hash} line per mailbox, for POP3 and SMTP AUTH. Hashes are bcrypt
 * (cost 12, Bouncy Castle), so a stolen file costs an attacker about a quarter-second per guess per address.
 * A check for an unknown address still spends one bcrypt on a dummy hash, so timing does not reveal which
 * addresses exist. Addresses compare case-insensitively, as mailbox names do. The file is replaced whole: a new
 * file, created mode 0600 (never widened and narrowed after, so no other account can open it even for an instant),
 * fsync'd and renamed over the old one.
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

    private final Path file;

    public Passwords(Path file) {
        this.file = file;
    }

    /** Sets (or replaces) the password of {@code address}; the file is rewritten atomically. */
    public void set(String address, char[] password) throws IOException {
        if (password.length == 0) throw new IllegalArgumentException("empty password");
        String key = key(address);
        if (key.indexOf(':') >= 0 || key.indexOf('\n') >= 0) throw new IllegalArgumentException("bad address");
        String hash = OpenBSDBCrypt.generate(password, salt(), COST);
        List<String> lines = new ArrayList<>();
        for (String line : read()) if (!line.startsWith(key + ":")) lines.add(line);
        lines.add(key + ":" + hash);
        StringBuilder text = new StringBuilder();
        for (String line : lines) text.append(line).append('\n');
        Files.createDirectories(file.toAbsolutePath().getParent());
        // DurableFiles creates the file 0600; ".tmp" keeps the configuration watcher from reading it half-written.
        Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
        DurableFiles.deliver(tmp, file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** True only for a known address with this password; always costs one bcrypt. */
    public boolean check(String address, char[] password) throws IOException {
        Optional<String> hash = hashOf(key(address));
        if (password.length == 0) {
            OpenBSDBCrypt.checkPassword(DUMMY, "y".toCharArray());
            return false;
        }
        boolean ok = OpenBSDBCrypt.checkPassword(hash.orElse(DUMMY), password);
        return ok && hash.isPresent();
    }

    private Optional<String> hashOf(String key) throws IOException {
        for (String line : read()) {
            if (line.startsWith(key + ":")) return Optional.of(line.substring(key.length() + 1));
        }
        return Optional.empty();
    }

    private List<String> read() throws IOException {
        if (!Files.exists(file)) return List.of();
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank() && !line.startsWith("#")) out.add(line.strip());
        }
        return out;
    }

    private static String key(String address) {
        return address.strip().toLowerCase(Locale.ROOT);
    }

    private static byte[] salt() {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return salt;
    }
}
