/*
 * control/clients (Quail; SMTP-21): what tcprules' rules file gave qmail-smtpd per client, one rule a line:
 *
 *   192.0.2.0/24:allow,RELAYCLIENT="@fixme",DATABYTES="1000000"
 *   2001:db8::/32:allow,SMTPGREETING="mx.example.net, dial-up hosts welcome"
 *   198.51.100.7:deny
 *   :allow
 *
 * The key is a network in CIDR notation (a bare address is one host; an empty key, as in tcprules, is every
 * client); then `allow` with tcprules' variables, or `deny`. As in tcprules, a value runs from the character
 * after '=' to the next occurrence of that same character (usually '"'). The variables qmail-smtpd read:
 *  RELAYCLIENT   set, even empty: rcpthosts is not consulted and the value is appended to each recipient
 *  DATABYTES     this client's message size limit (0 unlimited), instead of control/databytes
 *  SMTPGREETING  this client's greeting text, instead of control/smtpgreeting
 * and one of tcpserver's: its -c limit per client (Quail: per rule)
 *  CONCURRENCYPERIP  connections this client may hold open to one listener, instead of control/concurrencyperip
 *                    (a busy relay host may need more, a suspect one fewer)
 * The rule whose network is the most specific (longest prefix) that holds the client wins, whatever the order;
 * tcprules took the first match of its own most-specific-first search, which comes to the same. A line that is
 * not a rule, or names another variable (a typo must not pass for a setting), is kept in {@link #invalid()} and
 * ignored. Missing file: no rules.
 */
package dev.quail.config;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public record Clients(List<Rule> rules, List<String> invalid) {

    public static final Set<String> VARIABLES = Set.of("RELAYCLIENT", "DATABYTES", "SMTPGREETING", "CONCURRENCYPERIP");

    /** Every client, as tcprules' empty key: less specific than any network, /0 included. */
    private static final int CATCH_ALL = -1;
    private static final Pattern RULE = Pattern.compile("(\\S*?):(allow|deny)(,.*)?");
    private static final Pattern VARIABLE = Pattern.compile("([A-Z]+)=(.)");

    /** One rule: its network (empty for every client), allow or deny, and the variables it sets. */
    public record Rule(Optional<Cidr> network, boolean allow, Map<String, String> variables) {
        public Rule {
            variables = Map.copyOf(variables);
        }

        boolean holds(InetAddress client) {
            return network.map(n -> n.contains(client)).orElse(true);
        }

        int specificity() {
            return network.map(Cidr::prefix).orElse(CATCH_ALL);
        }

        /** RELAYCLIENT's value, if the rule sets it. */
        public Optional<String> relayClient() {
            return Optional.ofNullable(variables.get("RELAYCLIENT"));
        }

        /** DATABYTES as qmail-smtpd reads it (leading digits); empty if unset or without a digit. */
        public OptionalLong databytes() {
            return number("DATABYTES");
        }

        /** CONCURRENCYPERIP, read the same way (at least 1 is enforced where it is used). */
        public OptionalLong concurrencyPerIp() {
            return number("CONCURRENCYPERIP");
        }

        private OptionalLong number(String name) {
            String v = variables.get(name);
            if (v == null || v.isEmpty() || !Character.isDigit(v.charAt(0))) return OptionalLong.empty();
            int end = 0;
            while (end < v.length() && Character.isDigit(v.charAt(end)) && end < 18) end++;
            return OptionalLong.of(Long.parseLong(v.substring(0, end)));
        }

        public Optional<String> greeting() {
            return Optional.ofNullable(variables.get("SMTPGREETING"));
        }
    }

    /** No rules: every client is allowed, with the control files' settings. */
    public static final Rule DEFAULT = new Rule(Optional.empty(), true, Map.of());

    public Clients {
        rules = List.copyOf(rules);
        invalid = List.copyOf(invalid);
    }

    public static Clients parse(List<String> lines) {
        ParsedLines<Rule> parsed = ParsedLines.of(lines, line -> rule(line.strip()));
        return new Clients(parsed.entries(), parsed.invalid());
    }

    /** The rule for {@code client}: the most specific that holds it, else {@link #DEFAULT}. */
    public Rule of(InetAddress client) {
        Rule best = DEFAULT;
        int bestSpecificity = Integer.MIN_VALUE;
        for (Rule r : rules) {
            if (r.holds(client) && r.specificity() > bestSpecificity) {
                best = r;
                bestSpecificity = r.specificity();
            }
        }
        return best;
    }

    private static Optional<Rule> rule(String line) {
        Matcher m = RULE.matcher(line);
        if (!m.matches()) return Optional.empty();
        Optional<Cidr> network = Optional.empty();
        if (!m.group(1).isEmpty()) {
            network = Cidr.parse(m.group(1));
            if (network.isEmpty()) return Optional.empty();
        }
        boolean allow = m.group(2).equals("allow");
        Optional<Map<String, String>> variables = variables(m.group(3) == null ? "" : m.group(3));
        if (variables.isEmpty() || (!allow && !variables.get().isEmpty())) return Optional.empty();
        return Optional.of(new Rule(network, allow, variables.get()));
    }

    /** tcprules' {@code ,VAR=qvalueq...}; empty when a piece is not a known variable or its quote is unclosed. */
    private static Optional<Map<String, String>> variables(String text) {
        Map<String, String> variables = new LinkedHashMap<>();
        int i = 0;
        while (i < text.length()) {
            if (text.charAt(i) != ',') return Optional.empty();
            Matcher m = VARIABLE.matcher(text).region(i + 1, text.length());
            if (!m.lookingAt() || !VARIABLES.contains(m.group(1))) return Optional.empty();
            int close = text.indexOf(m.group(2).charAt(0), m.end());
            if (close < 0) return Optional.empty();
            String value = text.substring(m.end(), close);
            if (value.chars().anyMatch(c -> c < ' ' || c == 0x7f)) return Optional.empty();
            variables.put(m.group(1), value);
            i = close + 1;
        }
        return Optional.of(variables);
    }
}
