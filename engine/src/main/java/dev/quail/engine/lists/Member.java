package dev.quail.engine.lists;

import java.util.Locale;
import java.util.Optional;

/**
 * A subscriber's address as lists store it: {@code box@domain}, the domain in lower case, the box as given (idx
 * keeps it; comparisons ignore case). At most {@link #MAX_BYTES} octets (ezmlm's limit), one '@' that is neither
 * first nor last, no space, control character, '<' or '>': an address that could break a header line, an SMTP
 * command or a subscriber record is refused with its reason, never stored.
 */
public final class Member {
    static final int MAX_BYTES = 400;

    private Member() {}

    /** The stored form of {@code text}, or empty with {@code why} when it is not a mailbox address. */
    public static Optional<String> parse(String text, StringBuilder why) {
        int at = text.lastIndexOf('@');
        if (text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_BYTES) {
            why.append("longer than ").append(MAX_BYTES).append(" octets");
        } else if (at <= 0 || at == text.length() - 1) {
            why.append("not box@domain");
        } else if (text.chars().anyMatch(c -> c <= ' ' || c == 0x7f || c == '<' || c == '>')) {
            why.append("contains a space, a control character, '<' or '>'");
        } else {
            return Optional.of(text.substring(0, at + 1) + text.substring(at + 1).toLowerCase(Locale.ROOT));
        }
        return Optional.empty();
    }

    /** The form comparisons use: the whole address in lower case (idx). */
    static String key(String member) {
        return member.toLowerCase(Locale.ROOT);
    }

    /** qmail's VERP form of a member, {@code box=domain}: the last '@' made '='. */
    public static String verp(String member) {
        int at = member.lastIndexOf('@');
        return member.substring(0, at) + "=" + member.substring(at + 1);
    }

    /** The member a {@code box=domain} names: the last '=' made '@'; empty without one. */
    public static Optional<String> unverp(String text) {
        int eq = text.lastIndexOf('=');
        if (eq <= 0 || eq == text.length() - 1) return Optional.empty();
        return parse(text.substring(0, eq) + "@" + text.substring(eq + 1), new StringBuilder());
    }
}
