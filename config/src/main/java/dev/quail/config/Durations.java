/*
 * DURATION as control/shaping, control/responses and `quail suspend --for` write it: a whole number followed by
 * s, m, h or d (`90s`, `10m`, `2h`, `1d`); a bare number is seconds. From 1 second to 366 days: a duration of 0
 * would mean "never" where it is used, and a longer one is a typo.
 */
package dev.quail.config;

import java.time.Duration;
import java.util.Optional;

public final class Durations {
    static final Duration MAX = Duration.ofDays(366);

    private Durations() {}

    public static Optional<Duration> parse(String text) {
        if (!text.matches("[0-9]{1,9}[smhd]?")) return Optional.empty();
        char unit = text.charAt(text.length() - 1);
        long n = Long.parseLong(Character.isDigit(unit) ? text : text.substring(0, text.length() - 1));
        Duration d = switch (unit) {
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
        return d.isZero() || d.compareTo(MAX) > 0 ? Optional.empty() : Optional.of(d);
    }

    /** The largest unit that writes it exactly: 5400 s is {@code 90m}, 7200 s {@code 2h}. */
    public static String format(Duration d) {
        long s = d.toSeconds();
        if (s % 86_400 == 0) return s / 86_400 + "d";
        if (s % 3_600 == 0) return s / 3_600 + "h";
        if (s % 60 == 0) return s / 60 + "m";
        return s + "s";
    }
}
