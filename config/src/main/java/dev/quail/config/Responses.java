/*
 * control/responses (Quail): what to do when a remote server's reply says to back off, one rule a line:
 *
 *   /REGEX/ ACTION [for=DURATION] [after=N/PERIOD] [scope=site|domain]
 *
 * REGEX (Java syntax; `(?i)` for case-insensitive) is searched in each line of a reply as the server sent it,
 * code included (`421-4.7.28 ...`, `421 4.7.28 ...`). Only remote replies are matched, never Quail's own reports:
 * the deferrals a suspension gives are not replies, so a suspension cannot extend itself (KumoMTA's lesson).
 * ACTION is
 *   suspend                   no new connection to the site (or the domain's mail) for DURATION; what was to go
 *                             there comes back when it ends, spread out (control/shaping's resume-rate)
 *   throttle KEY=VALUE...     control/shaping's keys, laid over the site's (or the domain's) rules for DURATION
 *   bounce                    the recipients whose reply matched fail at once instead of being retried; takes no
 *                             options
 * for= defaults to 10m. after=N/PERIOD acts on the Nth match within PERIOD (`after=2/1h`; `after=3/h` reads as
 * 3 in 1h), counted per site (or domain) and started afresh after it acted; without it the first match acts.
 * scope= says whether the site (default) or only the recipient's domain is suspended or throttled.
 *
 * Without control/responses the {@link #SHIPPED} rules apply: the well-known provider deferrals, in Quail's own
 * words. A file replaces them (copy the ones to keep). A line that does not parse is ignored and kept in
 * {@link #invalid()} for showctl.
 */
package dev.quail.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

public record Responses(List<Rule> rules, List<String> invalid) {
    public enum Action { SUSPEND, THROTTLE, BOUNCE }

    public enum Scope { SITE, DOMAIN }

    /** {@code text}: the line as written, which also names the rule in logs and counters. */
    public record Rule(String text, Pattern regex, Action action, Map<Shaping.Key, String> throttle,
                       Duration duration, int count, Duration period, Scope scope) {
        public Rule {
            throttle = Map.copyOf(throttle);
        }

        public boolean matches(String replyLine) {
            return regex.matcher(replyLine).find();
        }
    }

    static final Duration DEFAULT_FOR = Duration.ofMinutes(10);

    /** The rules in force when control/responses does not exist. */
    public static final List<String> SHIPPED = List.of(
            "# Gmail: mail from this address is being rate limited (4.7.28)",
            "/^4[0-9][0-9][ -]4\\.7\\.28[ ]/ suspend for=30m",
            "# Yahoo: deferred for volume or complaints, TS01-TS03; TS04 is a longer block",
            "/\\[TSS?04\\]/ suspend for=2h",
            "/\\[TSS?0[1-3]\\]/ throttle connections=1 message-rate=60/h for=1h",
            "# Microsoft: rate limited for the sending address's reputation; server busy; too many connections",
            "/^4[0-9][0-9][ -]4\\.7\\.650[ ]/ suspend for=1h",
            "/^4[0-9][0-9][ -]4\\.7\\.500[ ]/ throttle connections=2 message-rate=10/m for=30m",
            "/^421[ -]4\\.3\\.2[ ]/ throttle connections=2 for=15m",
            "# Comcast: rate limit codes RL0000nn",
            "/RL0000[0-9][0-9]/ throttle connections=1 message-rate=1/m for=1h",
            "# Any provider: temporary deferral or too many connections, in so many words",
            "/(?i)temporarily deferred/ throttle connections=1 message-rate=1/m for=90m",
            "/(?i)too many (connections|concurrent)/ throttle connections=1 for=15m");

    public Responses {
        rules = List.copyOf(rules);
        invalid = List.copyOf(invalid);
    }

    /** Lines as ControlFiles.list gives them: comments and blank lines already dropped. */
    public static Responses parse(List<String> lines) {
        List<Rule> rules = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("#")) continue; // the shipped list keeps its comments
            Optional<Rule> rule = rule(line.strip());
            if (rule.isPresent()) rules.add(rule.get());
            else invalid.add(line);
        }
        return new Responses(rules, invalid);
    }

    private static Optional<Rule> rule(String line) {
        int end = closingSlash(line);
        if (end < 0) return Optional.empty();
        Pattern regex;
        try {
            regex = Pattern.compile(line.substring(1, end));
        } catch (PatternSyntaxException e) {
            return Optional.empty();
        }
        String rest = line.substring(end + 1).strip();
        if (rest.isEmpty() || !Character.isWhitespace(line.charAt(end + 1))) return Optional.empty();
        String[] words = rest.split("\\s+");
        Optional<Action> found = Arrays.stream(Action.values())
                .filter(a -> Ascii.lower(a.name()).equals(Ascii.lower(words[0]))).findFirst();
        if (found.isEmpty()) return Optional.empty();
        Action action = found.get();
        Duration duration = DEFAULT_FOR;
        int count = 1;
        Duration period = DEFAULT_FOR;
        Scope scope = Scope.SITE;
        List<String> shaping = new ArrayList<>();
        for (int i = 1; i < words.length; i++) {
            String w = Ascii.lower(words[i]);
            if (w.startsWith("for=")) {
                Optional<Duration> d = Durations.parse(w.substring(4));
                if (d.isEmpty()) return Optional.empty();
                duration = d.get();
            } else if (w.startsWith("after=")) {
                String[] threshold = w.substring(6).split("/", 2);
                if (threshold.length != 2 || !threshold[0].matches("[0-9]{1,6}")) return Optional.empty();
                count = Integer.parseInt(threshold[0]);
                String p = threshold[1].matches("[smhd]") ? "1" + threshold[1] : threshold[1];
                Optional<Duration> d = Durations.parse(p);
                if (count == 0 || d.isEmpty()) return Optional.empty();
                period = d.get();
            } else if (w.equals("scope=site") || w.equals("scope=domain")) {
                scope = w.equals("scope=site") ? Scope.SITE : Scope.DOMAIN;
            } else {
                shaping.add(w);
            }
        }
        if (action == Action.BOUNCE && words.length > 1) return Optional.empty();
        Optional<Map<Shaping.Key, String>> throttle = Shaping.settings(shaping);
        if (throttle.isEmpty() || throttle.get().isEmpty() != (action != Action.THROTTLE)) return Optional.empty();
        return Optional.of(new Rule(line, regex, action, throttle.get(), duration, count, period, scope));
    }

    /** The slash that ends the regex: the next one not escaped by a backslash. */
    private static int closingSlash(String line) {
        if (!line.startsWith("/")) return -1;
        for (int i = 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\') i++;
            else if (c == '/') return i > 1 ? i : -1;
        }
        return -1;
    }
}
