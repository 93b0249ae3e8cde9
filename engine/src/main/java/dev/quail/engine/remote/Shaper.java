package dev.quail.engine.remote;

import dev.quail.config.Durations;
import dev.quail.config.Rate;
import dev.quail.config.Responses;
import dev.quail.config.Shaping;
import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.log.MessageLog;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * The RemoteSpawn's shaping decisions, apart from its messaging: the limits of each Host (control/shaping's layers
 * with the throttles in force laid over them), whether a domain is shaped apart from its site, which mail is held,
 * and what the control/responses rules do when the Hosts report a match (counted per rule and site or domain,
 * {@link Thresholds}). It owns the {@link Suspensions} and writes them to queue/suspensions at each change. Plain and
 * single-threaded; times are passed in.
 */
final class Shaper {
    private final Path file;
    private final Suspensions suspensions;
    private final Thresholds thresholds = new Thresholds();
    private Shaping shaping;

    Shaper(Path file, Shaping shaping, Random random) {
        this.file = file;
        this.shaping = shaping;
        this.suspensions = new Suspensions(random);
        suspensions.load(file);
    }

    /** A new control/shaping; returns whether it differs from the one in use. */
    boolean reloaded(Shaping next) {
        if (next == shaping) return false;
        shaping = next;
        return true;
    }

    Shaping.Limits limits(Site site, Optional<String> domain, long now) {
        Shaping.Limits limits = domain.isPresent() ? shaping.forDomain(site.names(), domain.get())
                : shaping.forSite(site.names());
        for (Map<Shaping.Key, String> values : suspensions.throttlesOf(site, domain, now)) limits = limits.with(values);
        return limits;
    }

    /** Whether {@code domain}'s mail gets a Host of its own: it has shaping rules, or a throttle, of its own. */
    boolean apart(String domain, long now) {
        return shaping.hasDomain(domain) || suspensions.domainThrottled(domain, now);
    }

    Optional<Suspensions.Hold> holding(Site site, String domain, long now) {
        return suspensions.covering(site, domain, now);
    }

    boolean siteHeld(Site site, long now) {
        return suspensions.siteHeld(site, now);
    }

    Set<String> heldDomains(long now) {
        return suspensions.heldDomains(now);
    }

    /** What one message of a held site or domain gets: postponed to its place in the hold's release. */
    Outcome postpone(Suspensions.Hold hold, String messageId) {
        return new Outcome.Postponed(hold.report(), suspensions.postpone(hold, messageId));
    }

    /** What a set of rule matches at one site changed. */
    record Changes(boolean holds, boolean limits) {}

    /** Counts each (rule, site or domain) once per report; the rules whose time has come act. */
    Changes matched(Site site, List<RemoteSpawn.Match> matches, long now) {
        Set<String> counted = new HashSet<>();
        boolean holds = false;
        boolean limits = false;
        for (RemoteSpawn.Match m : matches) {
            Responses.Rule rule = m.rule();
            boolean siteScope = rule.scope() == Responses.Scope.SITE;
            String target = siteScope ? site.key() : m.domain();
            if (!counted.add(rule.text() + "\n" + target) || !thresholds.matched(rule, target, now)) continue;
            Suspensions.Kind kind = siteScope ? Suspensions.Kind.SITE : Suspensions.Kind.DOMAIN;
            List<String> names = siteScope ? site.names() : List.of();
            long until = now + rule.duration().toMillis();
            String what = Durations.format(rule.duration()) + ": " + m.line() + " (control/responses " + rule.text() + ")";
            if (rule.action() == Responses.Action.SUSPEND) {
                Rate rate = limits(site, siteScope ? Optional.empty() : Optional.of(m.domain()), now).releaseRate();
                suspensions.suspend(kind, target, names, until, m.line(), rate, true);
                MessageLog.info("suspend " + target + " for " + what);
                holds = true;
            } else {
                suspensions.throttle(kind, target, names, until, rule.throttle(), m.line());
                MessageLog.info("throttle " + target + " for " + what);
                limits = true;
            }
        }
        if (holds || limits) suspensions.save(file);
        return new Changes(holds, limits);
    }

    /** quail suspend: {@code .suffix} holds every site under it, anything else a domain's mail. */
    String suspend(String target, Duration duration, String reason, long now) {
        boolean suffix = target.startsWith(".");
        Rate rate = (suffix ? shaping.forSite(List.of(target.substring(1))) : shaping.forDomain(List.of(), target))
                .releaseRate();
        long until = now + duration.toMillis();
        suspensions.suspend(suffix ? Suspensions.Kind.SUFFIX : Suspensions.Kind.DOMAIN, target, List.of(), until,
                reason, rate, false);
        suspensions.save(file);
        MessageLog.info("suspend " + target + " for " + Durations.format(duration) + ": " + reason + " (quail suspend)");
        return "suspended " + target + " until " + Instant.ofEpochMilli(until) + "\n";
    }

    /**
     * quail resume: lifts the holds {@code target} names. Returns when each message they postponed is due now
     * (spread from now at each hold's release rate), or empty when nothing was held.
     */
    Optional<Map<String, Long>> resume(String target, long now) {
        List<Suspensions.Hold> lifted = suspensions.resume(target);
        if (lifted.isEmpty()) return Optional.empty();
        suspensions.save(file);
        return Optional.of(suspensions.wakes(lifted, now));
    }

    /** Ends what is over; returns whether anything did. */
    boolean expire(long now) {
        if (!suspensions.expire(now)) return false;
        suspensions.save(file);
        return true;
    }

    List<Suspensions.Hold> holds() {
        return suspensions.holds();
    }
}
