/*
 * control/dnsservers (Quail): the DNS servers used for MX/A/AAAA lookups, in order, one per line:
 * `IP`, `IPv4:PORT` or `[IPv6]:PORT` (a bare IPv6 address is allowed without a port); the port defaults
 * to 53. Missing file ⇒ no list: the engine uses the system's resolvers. Lines that do not parse are
 * ignored and kept in {@link #invalid()} for showctl.
 */
package dev.quail.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

public record DnsServers(List<InetSocketAddress> servers, List<String> invalid) {
    public static final int DEFAULT_PORT = 53;

    public DnsServers {
        servers = List.copyOf(servers);
        invalid = List.copyOf(invalid);
    }

    public static DnsServers parse(List<String> lines) {
        List<InetSocketAddress> servers = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        for (String line : lines) {
            Optional<InetSocketAddress> server = server(line.strip());
            if (server.isPresent()) servers.add(server.get());
            else invalid.add(line);
        }
        return new DnsServers(servers, invalid);
    }

    private static Optional<InetSocketAddress> server(String text) {
        String host = text;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) return Optional.empty();
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) return Optional.empty();
                port = rest.substring(1);
            }
        } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            host = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        }
        Optional<InetAddress> address = IpLiteral.parse(host);
        if (address.isEmpty()) return Optional.empty();
        if (port == null) return Optional.of(new InetSocketAddress(address.get(), DEFAULT_PORT));
        if (!port.matches("[0-9]{1,5}")) return Optional.empty();
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65535) return Optional.empty();
        return Optional.of(new InetSocketAddress(address.get(), p));
    }
}
