/* REM-01 smtproutes lookup, and the Quail dnsservers file. */
package dev.quail.config;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RoutesTest {
    @TempDir
    Path dir;

    private Routes routes(boolean smarthost) {
        return new TestHome(dir).control("smtproutes",
                "example.com:relay.example.net",
                ".example.com:[192.0.2.1]:2525",
                ".deep.example.com:deep.example.net",
                "direct.example.com:",
                smarthost ? ":smart.example:587" : "# no smarthost",
                "v6.example:[2001:db8::1]:26",
                "bare.example:192.0.2.9:2526",
                "badport.example:host.example:65536",
                "maxport.example:host.example:65535").load().smtproutes();
    }

    static Stream<Arguments> lookups() {
        return Stream.of(
                Arguments.of("REM-01 whole host", true, "example.com", "relay.example.net", 25),
                Arguments.of("REM-01 case-insensitive", true, "EXAMPLE.Com", "relay.example.net", 25),
                Arguments.of("REM-01 .suffix, bracketed IP and port", true, "a.example.com", "192.0.2.1", 2525),
                Arguments.of("REM-01 most specific suffix first", true, "a.deep.example.com", "deep.example.net", 25),
                Arguments.of("REM-01 empty relay means MX routing", true, "direct.example.com", null, 0),
                Arguments.of("REM-01 empty key is a smarthost", true, "other.org", "smart.example", 587),
                Arguments.of("REM-01 no key: MX routing", false, "other.org", null, 0),
                Arguments.of("bracketed IPv6 relay", true, "v6.example", "2001:db8::1", 26),
                Arguments.of("bare IP relay with port", true, "bare.example", "192.0.2.9", 2526),
                Arguments.of("port 65535", true, "maxport.example", "host.example", 65535),
                Arguments.of("port 65536 falls back to 25", true, "badport.example", "host.example", 25));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lookups")
    void lookup(String rule, boolean smarthost, String host, String relay, int port) {
        Optional<Routes.Relay> expected = relay == null ? Optional.empty() : Optional.of(new Routes.Relay(relay, port));
        assertEquals(expected, routes(smarthost).lookup(host));
    }

    @Test
    void dnsServersOneAddressPerLineDefaultPort53() {
        DnsServers d = new TestHome(dir).control("dnsservers",
                "192.0.2.53", "192.0.2.54:5353", "[::1]:1", "::2", "192.0.2.55:65535",
                "# comment", "dns.example", "192.0.2.1:0", "192.0.2.1:65536", "[::1]x").load().dnsservers();
        assertEquals(List.of(
                new InetSocketAddress(IpLiteral.parse("192.0.2.53").orElseThrow(), 53),
                new InetSocketAddress(IpLiteral.parse("192.0.2.54").orElseThrow(), 5353),
                new InetSocketAddress(IpLiteral.parse("::1").orElseThrow(), 1),
                new InetSocketAddress(IpLiteral.parse("::2").orElseThrow(), 53),
                new InetSocketAddress(IpLiteral.parse("192.0.2.55").orElseThrow(), 65535)), d.servers());
        assertEquals(List.of("dns.example", "192.0.2.1:0", "192.0.2.1:65536", "[::1]x"), d.invalid());
    }

    @Test
    void noDnsServersFileMeansTheSystemResolvers() {
        assertEquals(List.of(), new TestHome(dir).load().dnsservers().servers());
    }

    /** control/qmtproutes: smtproutes' syntax and lookup with QMTP's port 209 unless one is named. */
    @Test
    void qmtproutesDefaultToPort209() {
        Routes routes = new Routes(Map.of("example.org", "mx.example.org", ".example.org", "[192.0.2.1]",
                "lan.example.org", "", "other.test", "relay.test:2209"), Routes.QMTP_PORT);
        assertEquals(Optional.of(new Routes.Relay("mx.example.org", 209)), routes.lookup("example.org"));
        assertEquals(Optional.of(new Routes.Relay("192.0.2.1", 209)), routes.lookup("a.example.org"));
        assertEquals(Optional.empty(), routes.lookup("lan.example.org"));
        assertEquals(Optional.of(new Routes.Relay("relay.test", 2209)), routes.lookup("other.test"));
        assertEquals(Optional.empty(), routes.lookup("unrouted.test"));
    }
}
