package dev.quail.engine.remote;

import dev.quail.config.HostList;
import dev.quail.config.IpLiteral;
import dev.quail.config.Routes;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the recipients at one domain go, decided without DNS (REM-01, REM-02): an smtproutes relay with a
 * host (`domain:relay[:port]`, `.suffix:relay`, `:relay`) is used as the only MX, on its port; a domain that
 * is an IP literal (`[1.2.3.4]`, `[IPv6:...]`, or bare `1.2.3.4`) is that address on port 25; anything else
 * (including `domain:`) goes to its MX hosts on port 25. For a relay or a literal the key is also its
 * {@link Site}'s, which names its Host, so every domain routed to one relay shares that relay's connections and
 * transactions; an MX destination's site (its MX host set) is for DNS to say. A domain in control/tlsdestinations
 * gets mail only over TLS: its key says so (" tls-required"), as does its site's, so its recipients never share a
 * connection, or a transaction, with recipients that may go in clear.
 */
record Destination(String key, Kind kind, String host, int port, boolean tlsRequired) {
    enum Kind { MX, RELAY, LITERAL }

    static Destination of(String domain, Routes routes, int smtpPort, HostList tlsDestinations) {
        String d = domain.toLowerCase(Locale.ROOT);
        boolean tls = tlsDestinations.matches(d);
        String suffix = tls ? " tls-required" : "";
        Optional<Routes.Relay> relay = routes.lookup(d);
        if (relay.isPresent() && !relay.get().host().isEmpty()) {
            String host = relay.get().host().toLowerCase(Locale.ROOT);
            return new Destination("relay " + host + ":" + relay.get().port() + suffix, Kind.RELAY, host,
                    relay.get().port(), tls);
        }
        Optional<InetAddress> literal = literal(d);
        if (literal.isPresent()) {
            String ip = literal.get().getHostAddress();
            return new Destination("[" + ip + "]" + suffix, Kind.LITERAL, ip, smtpPort, tls);
        }
        return new Destination(d + suffix, Kind.MX, d, smtpPort, tls);
    }

    /** An address literal, bracketed or not; never a DNS lookup. */
    static Optional<InetAddress> literal(String host) {
        String text = host;
        if (text.startsWith("[") && text.endsWith("]")) text = text.substring(1, text.length() - 1);
        if (text.regionMatches(true, 0, "IPv6:", 0, 5)) text = text.substring(5);
        return IpLiteral.parse(text);
    }
}
