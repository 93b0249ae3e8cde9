package dev.quail.engine.remote;

import dev.quail.config.Rate;
import dev.quail.config.Shaping;
import dev.quail.engine.log.MessageLog;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * The sites and domains Quail leaves alone for a while (holds: `quail suspend`, or a control/responses rule) and
 * those it sends less to (throttles: a rule's shaping keys laid over the site's or domain's own). A hold names a
 * site by its key (a rule's scope=site), every site whose MX hosts are under a suffix (`quail suspend .suffix`), or
 * a recipient domain; a throttle a site or a domain.
 *
 * <p>While a hold lasts, its mail gets no connection: each message that comes for it is postponed to a due time
 * from the hold's {@link Release}, which starts when the hold ends, so the backlog comes back spread out at the
 * release rate rather than all at once or at each message's next retry. The ids of the messages postponed are kept
 * (up to {@link #MAX_IDS}) so that lifting the hold early ({@link #resume}) can bring them back now, on a release
 * that starts now; beyond that number they come back when the hold would have ended.
 *
 * <p>Kept by the RemoteSpawn, and in queue/suspensions, a {@link StateFile} written at every change and read at start,
 * so a restart does not lift a hold (one lost to a crash only means mail tries the site again). One line each, fields separated by tabs: {@code suspend|throttle KIND UNTIL TARGET NAMES VALUE
 * REASON}, where NAMES are a site's MX hosts (comma-separated), VALUE the release rate of a hold or the shaping
 * values of a throttle. The postponed ids are not kept there. Plain and single-threaded; times are passed in.
 */
final class Suspensions {
    enum Kind { SITE, SUFFIX, DOMAIN }

    /** No new connection to its mail until {@code until}. */
    static final class Hold {
        final Kind kind;
        final String target;
        final List<String> names;
        final Rate rate;
        long until;
        String reason;
        Release release;
        final Set<String> ids = new LinkedHashSet<>();

        Hold(Kind kind, String target, List<String> names, Rate rate) {
            this.kind = kind;
            this.target = target;
            this.names = List.copyOf(names);
            this.rate = rate;
        }

        boolean covers(Site site) {
            return switch (kind) {
                case SITE -> site.key().equals(target);
                case SUFFIX -> new Shaping.Scope(Shaping.Scope.Kind.SITE, target).matchesSite(site.names());
                case DOMAIN -> false;
            };
        }

        /** The deferral its mail gets: Quail's own words, never a remote reply, so no rule can match it. */
        String report() {
            return "Sorry, mail to " + target + " is suspended until " + Instant.ofEpochMilli(until) + ": "
                    + reason + " (#4.4.5)";
        }
    }

    record Throttle(Kind kind, String target, List<String> names, long until, Map<Shaping.Key, String> values,
                    String reason) {}

    static final int MAX_IDS = 100_000;

    private final List<Hold> holds = new ArrayList<>();
    private final List<Throttle> throttles = new ArrayList<>();
    private final Random random;

    Suspensions(Random random) {
        this.random = random;
    }

    /**
     * Holds {@code target} until {@code until}; an existing hold of it is given the new end ({@code extendOnly}: only
     * a later one, as a rule matching again does; an operator's new duration replaces the old either way).
     */
    Hold suspend(Kind kind, String target, List<String> names, long until, String reason, Rate rate,
                 boolean extendOnly) {
        Hold hold = null;
        for (Hold h : holds) {
            if (h.kind == kind && h.target.equals(target)) hold = h;
        }
        if (hold == null) {
            hold = new Hold(kind, target, names, rate);
            holds.add(hold);
        } else if (extendOnly && until <= hold.until) {
            return hold;
        }
        hold.until = until;
        hold.reason = clean(reason);
        hold.release = new Release(until, hold.rate, random);
        return hold;
    }

    void throttle(Kind kind, String target, List<String> names, long until, Map<Shaping.Key, String> values,
                  String reason) {
        throttles.removeIf(t -> t.kind() == kind && t.target().equals(target) && t.values().equals(values));
        throttles.add(new Throttle(kind, target, names, until, values, clean(reason)));
    }

    /** The hold, if any, that keeps {@code domain}'s mail at {@code site} back; the one ending last. */
    Optional<Hold> covering(Site site, String domain, long now) {
        Hold found = null;
        for (Hold h : holds) {
            boolean covers = h.kind == Kind.DOMAIN ? h.target.equals(domain) : h.covers(site);
            if (covers && h.until > now && (found == null || h.until > found.until)) found = h;
        }
        return Optional.ofNullable(found);
    }

    /** Whether the whole site is held (not just some of its domains). */
    boolean siteHeld(Site site, long now) {
        for (Hold h : holds) {
            if (h.until > now && h.covers(site)) return true;
        }
        return false;
    }

    Set<String> heldDomains(long now) {
        Set<String> domains = new HashSet<>();
        for (Hold h : holds) {
            if (h.kind == Kind.DOMAIN && h.until > now) domains.add(h.target);
        }
        return domains;
    }

    /** A due time for one message of the hold's mail, remembered so that a resume can bring it back early. */
    long postpone(Hold hold, String messageId) {
        if (hold.ids.size() < MAX_IDS) hold.ids.add(messageId);
        return hold.release.next();
    }

    /**
     * Lifts the holds {@code target} names: a domain's, a suffix's and the sites under it, or a site by its key.
     * Returns them.
     */
    List<Hold> resume(String target) {
        List<Hold> lifted = new ArrayList<>();
        Shaping.Scope suffix = new Shaping.Scope(Shaping.Scope.Kind.SITE, target);
        for (Hold h : holds) {
            boolean named = h.target.equals(target) || h.kind == Kind.SITE && suffix.matchesSite(h.names);
            if (named) lifted.add(h);
        }
        holds.removeAll(lifted);
        for (Hold h : lifted) MessageLog.info("resume " + h.target);
        return lifted;
    }

    /** When each message the lifted holds postponed is due now: spread from {@code now} at each hold's rate. */
    Map<String, Long> wakes(List<Hold> lifted, long now) {
        Map<String, Long> due = new HashMap<>();
        for (Hold h : lifted) {
            Release release = new Release(now, h.rate, random);
            for (String id : h.ids) due.merge(id, release.next(), Math::min);
        }
        return due;
    }

    /** The throttles in force on a site, and on a domain of it: shaping values in the order they came. */
    List<Map<Shaping.Key, String>> throttlesOf(Site site, Optional<String> domain, long now) {
        List<Map<Shaping.Key, String>> values = new ArrayList<>();
        for (Throttle t : throttles) {
            boolean applies = t.kind() == Kind.DOMAIN ? domain.isPresent() && domain.get().equals(t.target())
                    : t.target().equals(site.key());
            if (applies && t.until() > now) values.add(t.values());
        }
        return values;
    }

    boolean domainThrottled(String domain, long now) {
        for (Throttle t : throttles) {
            if (t.kind() == Kind.DOMAIN && t.target().equals(domain) && t.until() > now) return true;
        }
        return false;
    }

    /** Forgets what has ended, saying so in the log. Returns whether anything did. */
    boolean expire(long now) {
        boolean changed = false;
        for (Hold h : List.copyOf(holds)) {
            if (h.until <= now) {
                holds.remove(h);
                MessageLog.info("suspension of " + h.target + " ended");
                changed = true;
            }
        }
        for (Throttle t : List.copyOf(throttles)) {
            if (t.until() <= now) {
                throttles.remove(t);
                MessageLog.info("throttle of " + t.target() + " ended");
                changed = true;
            }
        }
        return changed;
    }

    List<Hold> holds() {
        return List.copyOf(holds);
    }

    void save(Path file) {
        StringBuilder b = new StringBuilder();
        for (Hold h : holds) line(b, "suspend", h.kind, h.until, h.target, h.names, h.rate.toString(), h.reason);
        for (Throttle t : throttles) {
            StringBuilder values = new StringBuilder();
            t.values().forEach((k, v) -> values.append(values.length() == 0 ? "" : " ").append(k.text).append('=')
                    .append(v));
            line(b, "throttle", t.kind(), t.until(), t.target(), t.names(), values.toString(), t.reason());
        }
        StateFile.write(file, b);
    }

    /** Reads queue/suspensions back; a line that does not parse is skipped with a warning. */
    void load(Path file) {
        for (String line : StateFile.read(file)) {
            String[] f = line.split("\t", -1);
            try {
                Kind kind = Kind.valueOf(f[1]);
                long until = Long.parseLong(f[2]);
                List<String> names = f[4].isEmpty() ? List.of() : List.of(f[4].split(","));
                if (f.length == 7 && f[0].equals("suspend")) {
                    suspend(kind, f[3], names, until, f[6], Rate.parse(f[5]).orElseThrow(), false);
                } else if (f.length == 7 && f[0].equals("throttle")) {
                    throttle(kind, f[3], names, until, Shaping.settings(List.of(f[5].split(" "))).orElseThrow(), f[6]);
                } else {
                    throw new IllegalArgumentException(line);
                }
            } catch (RuntimeException e) {
                MessageLog.warning("ignored a bad line in " + file + ": " + line);
            }
        }
    }

    private static void line(StringBuilder b, String action, Kind kind, long until, String target, List<String> names,
                             String value, String reason) {
        b.append(action).append('\t').append(kind).append('\t').append(until).append('\t').append(target).append('\t')
                .append(String.join(",", names)).append('\t').append(value).append('\t').append(reason).append('\n');
    }

    /** A reason fits on one line of the file and of the log. */
    private static String clean(String reason) {
        return reason.replaceAll("[\\t\\r\\n]+", " ");
    }
}
