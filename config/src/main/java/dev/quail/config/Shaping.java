/*
 * control/shaping (Quail): how much mail each remote site may get, one rule a line, `SCOPE key=value ...`, `#`
 * comments. A site is the set of MX hosts a domain's mail goes to (or its smtproutes relay): every domain on one
 * MX set shares its budget, as Gmail asks senders to count per MX rather than per recipient domain.
 *
 * SCOPE is `default`; a site, written as a suffix of its MX host names starting with a dot (`.google.com`: a site
 * matches when every one of its MX hosts ends with the suffix, or is the suffix without its dot); or a recipient
 * domain (`example.com`, exactly). Rules apply in layers, default < site < domain: the site layers from the
 * shortest matching suffix to the longest, and within a layer a later line wins. A domain with a rule of its own
 * is shaped apart from the rest of its site (it gets a budget of its own, KumoMTA's mx_rollup=false).
 *
 * Keys (the defaults are {@link Limits#DEFAULT}; `unlimited` restores "no limit" where there is one):
 *   connections              connections open at once to the site (concurrencyremote caps them all anyway)
 *   messages-per-connection  transactions on one connection before it is closed
 *   connection-rate          new connections, N/s, N/m or N/h (a token bucket, see {@link Rate})
 *   message-rate             transactions started, N/s, N/m or N/h
 *   connection-time          seconds (or a DURATION, see {@link Durations}) a connection may be reused after it
 *                            opened; 300 s by default, Postfix's smtp_connection_reuse_time_limit
 *   mx-fallback              yes: after a 421 from one MX, try the site's next MX; no (qmail's way): defer
 *   ready-recipients         recipients the site may hold waiting for a connection; more go back to the queue
 *                            and come again later (at most a minute's worth at message-rate)
 *   resume-rate              how fast the mail held by a suspension comes back once it ends, after a slow start
 *
 * A line with an unknown scope syntax, key or value is ignored as a whole and kept in {@link #invalid()} for
 * showctl: half a rule could be worse than none.
 */
package dev.quail.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

public record Shaping(List<Rule> rules, List<String> invalid) {
    public enum Key {
        CONNECTIONS("connections"),
        MESSAGES_PER_CONNECTION("messages-per-connection"),
        CONNECTION_RATE("connection-rate"),
        MESSAGE_RATE("message-rate"),
        CONNECTION_TIME("connection-time"),
        MX_FALLBACK("mx-fallback"),
        READY_RECIPIENTS("ready-recipients"),
        RESUME_RATE("resume-rate");

        public final String text;

        Key(String text) {
            this.text = text;
        }

        static Optional<Key> of(String text) {
            return Arrays.stream(values()).filter(k -> k.text.equals(text)).findFirst();
        }

        /** Whether {@code value} is one this key takes. */
        boolean accepts(String value) {
            return switch (this) {
                case CONNECTIONS, MESSAGES_PER_CONNECTION -> value.equals(UNLIMITED) || count(value) > 0;
                case READY_RECIPIENTS -> count(value) > 0;
                case CONNECTION_RATE, MESSAGE_RATE -> value.equals(UNLIMITED) || Rate.parse(value).isPresent();
                case RESUME_RATE -> Rate.parse(value).isPresent();
                case CONNECTION_TIME -> value.equals(UNLIMITED) || Durations.parse(value).isPresent();
                case MX_FALLBACK -> value.equals("yes") || value.equals("no");
            };
        }
    }

    public record Scope(Kind kind, String name) {
        public enum Kind { DEFAULT, SITE, DOMAIN }

        static Optional<Scope> parse(String text) {
            String s = Ascii.lower(text);
            if (s.equals("default")) return Optional.of(new Scope(Kind.DEFAULT, s));
            if (!s.matches("\\.?[a-z0-9_-]+(\\.[a-z0-9_-]+)*")) return Optional.empty();
            return Optional.of(new Scope(s.startsWith(".") ? Kind.SITE : Kind.DOMAIN, s));
        }

        /** For a SITE scope: whether every one of {@code hosts} (at least one) is under the suffix. */
        public boolean matchesSite(List<String> hosts) {
            if (kind != Kind.SITE || hosts.isEmpty()) return false;
            for (String h : hosts) {
                String host = Ascii.lower(h);
                if (!host.endsWith(name) && !host.equals(name.substring(1))) return false;
            }
            return true;
        }
    }

    public record Rule(Scope scope, Map<Key, String> values) {
        public Rule {
            values = Map.copyOf(values);
        }
    }

    /** The limits in force for one site (or one domain apart from its site). */
    public record Limits(int connections, int messagesPerConnection, Optional<Rate> connectionRate,
                         Optional<Rate> messageRate, Optional<Duration> connectionTime, boolean mxFallback,
                         int readyRecipients, Rate resumeRate) {
        public static final int NONE = Integer.MAX_VALUE;
        public static final Limits DEFAULT = new Limits(NONE, NONE, Optional.empty(), Optional.empty(),
                Optional.of(Duration.ofSeconds(300)), false, 10_000, new Rate(50, Duration.ofSeconds(1)));

        /** These limits with {@code values} (validated by {@link #settings}) laid over them. */
        public Limits with(Map<Key, String> values) {
            int conns = connections;
            int perConnection = messagesPerConnection;
            Optional<Rate> connRate = connectionRate;
            Optional<Rate> msgRate = messageRate;
            Optional<Duration> time = connectionTime;
            boolean fallback = mxFallback;
            int ready = readyRecipients;
            Rate resume = resumeRate;
            for (var e : values.entrySet()) {
                String v = e.getValue();
                switch (e.getKey()) {
                    case CONNECTIONS -> conns = number(v);
                    case MESSAGES_PER_CONNECTION -> perConnection = number(v);
                    case CONNECTION_RATE -> connRate = Rate.parse(v);
                    case MESSAGE_RATE -> msgRate = Rate.parse(v);
                    case CONNECTION_TIME -> time = Durations.parse(v);
                    case MX_FALLBACK -> fallback = v.equals("yes");
                    case READY_RECIPIENTS -> ready = number(v);
                    case RESUME_RATE -> resume = Rate.parse(v).orElseThrow();
                }
            }
            return new Limits(conns, perConnection, connRate, msgRate, time, fallback, ready, resume);
        }

        /**
         * How fast held mail may come back: resume-rate, or message-rate when that is slower (faster would only
         * fill the site's ready recipients and send the rest back again).
         */
        public Rate releaseRate() {
            return messageRate.map(resumeRate::min).orElse(resumeRate);
        }

        /** Every key with its value, in the file's syntax ({@code unlimited} for no limit). */
        public String describe() {
            return Key.CONNECTIONS.text + "=" + text(connections) + " "
                    + Key.MESSAGES_PER_CONNECTION.text + "=" + text(messagesPerConnection) + " "
                    + Key.CONNECTION_RATE.text + "=" + connectionRate.map(Rate::toString).orElse(UNLIMITED) + " "
                    + Key.MESSAGE_RATE.text + "=" + messageRate.map(Rate::toString).orElse(UNLIMITED) + " "
                    + Key.CONNECTION_TIME.text + "=" + connectionTime.map(Durations::format).orElse(UNLIMITED) + " "
                    + Key.MX_FALLBACK.text + "=" + (mxFallback ? "yes" : "no") + " "
                    + Key.READY_RECIPIENTS.text + "=" + readyRecipients + " "
                    + Key.RESUME_RATE.text + "=" + resumeRate;
        }

        private static int number(String v) {
            return v.equals(UNLIMITED) ? NONE : count(v);
        }

        private static String text(int n) {
            return n == NONE ? UNLIMITED : String.valueOf(n);
        }
    }

    static final String UNLIMITED = "unlimited";

    public Shaping {
        rules = List.copyOf(rules);
        invalid = List.copyOf(invalid);
    }

    public static Shaping parse(List<String> lines) {
        List<Rule> rules = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        for (String line : lines) {
            String[] words = line.strip().split("\\s+");
            Optional<Scope> scope = Scope.parse(words[0]);
            Optional<Map<Key, String>> values = settings(Arrays.asList(words).subList(1, words.length));
            if (scope.isPresent() && values.isPresent() && !values.get().isEmpty()) {
                rules.add(new Rule(scope.get(), values.get()));
            } else {
                invalid.add(line);
            }
        }
        return new Shaping(rules, invalid);
    }

    /** `key=value` words, every one valid (else empty); a later word for the same key wins. */
    public static Optional<Map<Key, String>> settings(List<String> words) {
        Map<Key, String> values = new EnumMap<>(Key.class);
        for (String word : words) {
            int eq = word.indexOf('=');
            if (eq < 0) return Optional.empty();
            Optional<Key> key = Key.of(Ascii.lower(word.substring(0, eq)));
            String value = Ascii.lower(word.substring(eq + 1));
            if (key.isEmpty() || !key.get().accepts(value)) return Optional.empty();
            values.put(key.get(), value);
        }
        return Optional.of(values);
    }

    /** The limits of the site whose MX hosts (or relay) are {@code hosts}. */
    public Limits forSite(List<String> hosts) {
        Limits limits = Limits.DEFAULT;
        for (Rule r : rules) {
            if (r.scope().kind() == Scope.Kind.DEFAULT) limits = limits.with(r.values());
        }
        List<Rule> sites = new ArrayList<>();
        for (Rule r : rules) {
            if (r.scope().matchesSite(hosts)) sites.add(r);
        }
        sites.sort(Comparator.comparingInt(r -> r.scope().name().length())); // stable: file order among equals
        for (Rule r : sites) limits = limits.with(r.values());
        return limits;
    }

    /** The limits of {@code domain}'s mail at the site {@code hosts}, when the domain has rules of its own. */
    public Limits forDomain(List<String> hosts, String domain) {
        Limits limits = forSite(hosts);
        String d = Ascii.lower(domain);
        for (Rule r : rules) {
            if (r.scope().kind() == Scope.Kind.DOMAIN && r.scope().name().equals(d)) limits = limits.with(r.values());
        }
        return limits;
    }

    /** Whether {@code domain} has rules of its own, and so a budget apart from its site's. */
    public boolean hasDomain(String domain) {
        String d = Ascii.lower(domain);
        for (Rule r : rules) {
            if (r.scope().kind() == Scope.Kind.DOMAIN && r.scope().name().equals(d)) return true;
        }
        return false;
    }

    /**
     * For showctl: the effective limits of each scope the file names, in file order: `default`, each site (as a
     * site made of one MX host named by the suffix would get them) and each domain (on a site no rule names).
     */
    public List<String> effective() {
        Set<Scope> scopes = new LinkedHashSet<>();
        scopes.add(new Scope(Scope.Kind.DEFAULT, "default"));
        for (Rule r : rules) scopes.add(r.scope());
        List<String> out = new ArrayList<>();
        for (Scope s : scopes) {
            Limits l = switch (s.kind()) {
                case DEFAULT -> forSite(List.of());
                case SITE -> forSite(List.of(s.name().substring(1)));
                case DOMAIN -> forDomain(List.of(), s.name());
            };
            out.add(s.name() + " " + l.describe());
        }
        return out;
    }

    /** A whole number from 1, or 0 for anything else. */
    private static int count(String v) {
        if (!v.matches("[0-9]{1,9}")) return 0;
        return Integer.parseInt(v);
    }
}
