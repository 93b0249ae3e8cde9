package dev.quail.engine.lists;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed checks of a list (EZ-14, EZ-60): HMAC-SHA-256 under the list's key over an action letter and the
 * fields it binds (a time, an address), written in ezmlm's cookie alphabet {@code a}-{@code p}, one letter per 4
 * bits. A cookie ({@value #COOKIE} letters, 80 bits) fits ezmlm's address shapes; a token ({@value #TOKEN} letters,
 * 128 bits) is what a one-click URL carries. Nothing is stored per request: the check is recomputing.
 */
final class Cookies {
    static final int COOKIE = 20;
    static final int TOKEN = 32;

    private Cookies() {}

    static String cookie(byte[] key, char action, String... fields) {
        return letters(mac(key, action, fields), COOKIE);
    }

    static String token(byte[] key, char action, String... fields) {
        return letters(mac(key, action, fields), TOKEN);
    }

    /** In constant time, so a forger learns nothing from how long a refusal took. */
    static boolean same(String expected, String given) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] mac(byte[] key, char action, String... fields) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((byte) action);
            for (String f : fields) {
                mac.update((byte) 0);
                mac.update(f.getBytes(StandardCharsets.UTF_8));
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java has HmacSHA256", e);
        }
    }

    private static String letters(byte[] hash, int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            int nibble = (i % 2 == 0 ? hash[i / 2] >> 4 : hash[i / 2]) & 0xf;
            b.append((char) ('a' + nibble));
        }
        return b.toString();
    }
}
