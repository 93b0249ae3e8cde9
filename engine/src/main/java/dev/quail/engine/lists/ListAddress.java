package dev.quail.engine.lists;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A list's name, {@code LIST@DOMAIN} (ezmlm's outlocal and outhost), lower case. LIST is letters, digits and
 * {@code . _ + -}; DOMAIN is DNS labels. Both become directory names under lists/, so nothing else gets in: no
 * "/", no "..", no control characters.
 */
public record ListAddress(String local, String domain) {
    private static final String LABEL = "[a-z0-9]([a-z0-9-]*[a-z0-9])?";
    // Compiled once: every local delivery asks whether its address is a list's (String.matches compiles each time).
    private static final Pattern LOCAL = Pattern.compile("[a-z0-9]([a-z0-9._+-]*[a-z0-9])?");
    private static final Pattern DOMAIN = Pattern.compile(LABEL + "(\\." + LABEL + ")*");

    public ListAddress {
        if (!LOCAL.matcher(local).matches() || local.length() > 64) {
            throw new IllegalArgumentException("bad list name: " + local);
        }
        if (!DOMAIN.matcher(domain).matches() || domain.length() > 253) {
            throw new IllegalArgumentException("bad list domain: " + domain);
        }
    }

    /** LIST@DOMAIN as a user types it; empty with the reason's text lost when it is not one. */
    public static Optional<ListAddress> parse(String text) {
        int at = text.lastIndexOf('@');
        if (at <= 0) return Optional.empty();
        try {
            return Optional.of(new ListAddress(text.substring(0, at).toLowerCase(Locale.ROOT),
                    text.substring(at + 1).toLowerCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** LIST@DOMAIN: where posts go. */
    public String address() {
        return local + "@" + domain;
    }

    /** {@code LIST-what@DOMAIN}: a command address (help, subscribe, return-N-box=dom ...). */
    public String command(String what) {
        return local + "-" + what + "@" + domain;
    }

    /** RFC 2919's list identifier: LIST.DOMAIN, a dot-atom. */
    public String id() {
        return local + "." + domain;
    }

    @Override
    public String toString() {
        return address();
    }
}
