/*
 * control/smtproutes (REM-01): `domain:relay[:port]` artificial routes for SmtpClient. Keys tried for a
 * host: the whole host, each suffix starting at '.', then the empty key (a smarthost for everything); the
 * first key present decides. A non-empty relay means: connect to that relay (A/AAAA lookup only, as if it
 * were the only MX) on the port (default 25); an empty relay means normal MX routing. The relay may be a
 * host name, a bare IPv4 address, or a bracketed IP (`[192.0.2.1]`, `[2001:db8::1]:2525`); brackets are
 * removed in {@link Relay#host()}. Quail departure: a port that is not 1-65535 falls back to 25 (qmail's
 * scan_ulong would make it 0).
 */
package dev.quail.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

public record Routes(Map<String, String> entries, int defaultPort) {
    public static final int DEFAULT_PORT = 25;
    /** control/qmtproutes uses smtproutes' syntax with QMTP's port. */
    public static final int QMTP_PORT = 209;

    public record Relay(String host, int port) {}

    public Routes {
        Map<String, String> lower = new LinkedHashMap<>();
        entries.forEach((k, v) -> lower.put(Ascii.lower(k), v));
        entries = Collections.unmodifiableMap(lower);
    }

    public Routes(Map<String, String> entries) {
        this(entries, DEFAULT_PORT);
    }

    /** The relay for {@code host}, or empty for normal MX routing. */
    public Optional<Relay> lookup(String host) {
        for (String key : DomainKeys.of(host)) {
            String value = entries.get(key);
            if (value != null) return value.isEmpty() ? Optional.empty() : Optional.of(relay(value, defaultPort));
        }
        return Optional.empty();
    }

    private static Relay relay(String value, int defaultPort) {
        String host = value;
        String port = "";
        if (value.startsWith("[") && value.indexOf(']') > 0) {
            int close = value.indexOf(']');
            host = value.substring(1, close);
            if (value.startsWith(":", close + 1)) port = value.substring(close + 2);
        } else if (value.indexOf(':') >= 0) {
            host = value.substring(0, value.indexOf(':'));
            port = value.substring(value.indexOf(':') + 1);
        }
        return new Relay(host, port(port, defaultPort));
    }

    private static int port(String text, int defaultPort) {
        if (!text.matches("[0-9]{1,5}")) return defaultPort;
        int p = Integer.parseInt(text);
        return p >= 1 && p <= 65535 ? p : defaultPort;
    }

    List<String> lines() {
        return entries.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).toList();
    }
}
