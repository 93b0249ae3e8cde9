/*
 * ASCII-only case folding, as qmail's case_lowerb and constmap do it. Java's toLowerCase would also fold
 * non-ASCII letters and can change a string's length, which would break the index arithmetic of wildcard
 * users/assign matches (USR-03: the matched prefix is folded, the rest keeps its case).
 */
package dev.quail.config;

import java.util.Optional;

public final class Ascii {
    private Ascii() {}

    public static String lower(String s) {
        char[] out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (out == null) out = s.toCharArray();
                out[i] = (char) (c + ('a' - 'A'));
            }
        }
        return out == null ? s : new String(out);
    }

    /** The text after the last '@' (the domain, RW-01/SMTP-20), or empty if there is no '@'. */
    public static Optional<String> domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? Optional.empty() : Optional.of(address.substring(at + 1));
    }
}
