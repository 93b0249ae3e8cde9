/*
 * A rate as control/shaping writes it: `N/s`, `N/m` or `N/h`, N a whole number from 1. The engine spends it
 * through a token bucket that holds at most one second's worth ({@link #burst()}, at least one token), so
 * `600/m` and `10/s` behave alike and `60/h` allows no burst at all.
 */
package dev.quail.config;

import java.time.Duration;
import java.util.Optional;

public record Rate(long count, Duration per) {
    public static Optional<Rate> parse(String text) {
        if (!text.matches("[0-9]{1,9}/[smh]")) return Optional.empty();
        long n = Long.parseLong(text.substring(0, text.indexOf('/')));
        if (n == 0) return Optional.empty();
        Duration per = switch (text.charAt(text.length() - 1)) {
            case 'm' -> Duration.ofMinutes(1);
            case 'h' -> Duration.ofHours(1);
            default -> Duration.ofSeconds(1);
        };
        return Optional.of(new Rate(n, per));
    }

    public double perSecond() {
        return count / (double) per.toSeconds();
    }

    public double burst() {
        return Math.max(1, perSecond());
    }

    /** The slower of two rates. */
    public Rate min(Rate other) {
        return other.perSecond() < perSecond() ? other : this;
    }

    @Override
    public String toString() {
        return count + "/" + (per.toSeconds() == 1 ? "s" : per.toSeconds() == 60 ? "m" : "h");
    }
}
