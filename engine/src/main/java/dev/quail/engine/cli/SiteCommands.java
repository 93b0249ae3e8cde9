package dev.quail.engine.cli;

import dev.quail.config.Durations;
import dev.quail.engine.Main;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The operator's hand on remote sites, through the running server's admin socket: hold a site's or a domain's mail
 * for a while, lift the hold, and see each site's state. A site is named as control/shaping names it, by a suffix
 * of its MX hosts ({@code .google.com}), or, to resume, by its key as quail sites shows it; anything else is a
 * recipient domain.
 */
public final class SiteCommands {
    private SiteCommands() {}

    /** A domain, a .suffix or a site key (MX host names joined by commas): no spaces, nothing else. */
    static boolean target(String text) {
        return text.matches("\\.?[a-z0-9_-]+(\\.[a-z0-9_-]+)*(,[a-z0-9_-]+(\\.[a-z0-9_-]+)*)*");
    }

    @Command(name = "suspend", description = "Hold the mail of a site (.mx-suffix) or a domain: no new connection"
            + " until the time is up or quail resume; then it comes back spread out.")
    public static final class Suspend implements Callable<Integer> {
        @Mixin
        HomeOption home;

        @Parameters(index = "0", paramLabel = "SITE|DOMAIN")
        String target;

        @Option(names = "--for", required = true, paramLabel = "DURATION", description = "90s, 10m, 2h, 1d")
        String duration;

        @Option(names = "--reason", paramLabel = "TEXT", description = "why, for the log and the deferrals")
        String reason = "suspended by the operator";

        @Override
        public Integer call() {
            String t = target.toLowerCase(Locale.ROOT);
            Optional<Duration> d = Durations.parse(duration);
            if (!target(t) || t.contains(",") || d.isEmpty() || reason.isBlank()) {
                System.err.println("quail suspend: usage: quail suspend SITE|DOMAIN --for DURATION [--reason TEXT]"
                        + " (SITE as .mx-suffix; DURATION as 90s, 10m, 2h)");
                return Main.USAGE;
            }
            return AdminClient.call(home.home(), "suspend " + t + " " + d.get().toSeconds() + " "
                    + reason.replaceAll("\\s+", " ").strip());
        }
    }

    @Command(name = "resume", description = "Lift the hold on a site (.mx-suffix or its key) or a domain now.")
    public static final class Resume implements Callable<Integer> {
        @Mixin
        HomeOption home;

        @Parameters(index = "0", paramLabel = "SITE|DOMAIN")
        String target;

        @Override
        public Integer call() {
            String t = target.toLowerCase(Locale.ROOT);
            if (!target(t)) {
                System.err.println("quail resume: usage: quail resume SITE|DOMAIN");
                return Main.USAGE;
            }
            return AdminClient.call(home.home(), "resume " + t);
        }
    }

    @Command(name = "sites", description = "Each remote site in use or held: MX hosts, domains, connections,"
            + " queued recipients, rate, hold, limits, last replies.")
    public static final class Sites implements Callable<Integer> {
        @Mixin
        HomeOption home;

        @Mixin
        AdminCommands.Json json;

        @Override
        public Integer call() {
            return AdminClient.call(home.home(), json.request("sites"));
        }
    }
}
