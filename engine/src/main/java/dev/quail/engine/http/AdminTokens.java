package dev.quail.engine.http;

import dev.quail.engine.auth.KeyedFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Bearer tokens for scripts (quail admin token NAME): 256 random bits, of which users/admintokens keeps only the
 * SHA-256 (name:hex per line, mode 0600), so the file alone lets nobody in. A token is random, not a password, so
 * a fast hash is enough and a request costs no bcrypt. One token per admin: a new one replaces the old.
 */
public final class AdminTokens {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyedFile file;

    public AdminTokens(KeyedFile file) {
        this.file = file;
    }

    /** A new token for {@code name}, replacing its previous one; shown once, never stored. */
    public String issue(String name) throws IOException {
        byte[] bits = new byte[32];
        RANDOM.nextBytes(bits);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
        file.put(name, HexFormat.of().formatHex(sha256(token)));
        return token;
    }

    /** The admin a token belongs to; compared in constant time. */
    public Optional<String> owner(String token) throws IOException {
        byte[] presented = sha256(token);
        Optional<String> owner = Optional.empty();
        for (String line : file.lines()) {
            int colon = line.lastIndexOf(':');
            if (colon <= 0) continue;
            byte[] stored;
            try {
                stored = HexFormat.of().parseHex(line.substring(colon + 1));
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (MessageDigest.isEqual(stored, presented)) owner = Optional.of(line.substring(0, colon));
        }
        return owner;
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
