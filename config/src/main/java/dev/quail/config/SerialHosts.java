/*
 * control/serialhosts (Quail; serialmail): the domains whose mail is kept for their host to pick up when it
 * connects (an ETRN, or `quail serialsmtp`), instead of being sent when it arrives. One domain a line, matched
 * exactly and case-insensitively, as qmail's virtualdomains entry `domain:alias-domain` with a Maildir behind it.
 * Each listed domain is also accepted in RCPT TO when rcpthosts is left to its default. A line that is not a
 * domain name (letters, digits, '-' and '.') is kept in {@link #invalid()} and ignored: it names a directory.
 */
package dev.quail.config;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

public record SerialHosts(Set<String> domains, List<String> invalid) {
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    public SerialHosts {
        domains = Set.copyOf(domains);
        invalid = List.copyOf(invalid);
    }

    public static SerialHosts parse(List<String> lines) {
        ParsedLines<String> parsed = ParsedLines.of(lines, SerialHosts::domain);
        return new SerialHosts(new LinkedHashSet<>(parsed.entries()), parsed.invalid());
    }

    /** The listed domain, lower-cased, if {@code text} is a domain name and listed. */
    public Optional<String> listed(String text) {
        return domain(text).filter(domains::contains);
    }

    /** The listed domain of {@code address}'s domain (after its last '@'), if it is one. */
    public Optional<String> ofAddress(String address) {
        return Ascii.domainOf(address).flatMap(this::listed);
    }

    private static Optional<String> domain(String text) {
        String lower = Ascii.lower(text.strip());
        return lower.length() <= 253 && DOMAIN.matcher(lower).matches() ? Optional.of(lower) : Optional.empty();
    }
}
