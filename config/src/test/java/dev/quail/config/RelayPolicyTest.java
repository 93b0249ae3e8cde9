/* SMTP-20/21/22 and SMTP-13: who may send to which recipient, relayclients networks, badmailfrom. */
package dev.quail.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class RelayPolicyTest {
    private static final String STRANGER = "198.51.100.1";

    @TempDir
    Path dir;

    private static InetAddress ip(String literal) {
        return IpLiteral.parse(literal).orElseThrow();
    }

    private Control control() {
        return new TestHome(dir)
                .control("rcpthosts", "example.com", ".sub.example.com")
                .control("morercpthosts", "more.example")
                .control("relayclients", "192.0.2.7", "10.0.0.0/8", "2001:db8::/32", "# office", "10.0.0.0/33")
                .load();
    }

    private RelayPolicy policy() {
        return new RelayPolicy(control());
    }

    static Stream<Arguments> recipients() {
        return Stream.of(
                Arguments.of("SMTP-20 exact entry", STRANGER, "a@example.com", true),
                Arguments.of("SMTP-20 domain case-insensitive", STRANGER, "a@EXAMPLE.Com", true),
                Arguments.of("SMTP-20 exact entry does not cover subdomains", STRANGER, "a@x.example.com", false),
                Arguments.of("SMTP-20 .entry covers subdomains", STRANGER, "a@y.sub.example.com", true),
                Arguments.of("SMTP-20 .entry covers deeper subdomains", STRANGER, "a@z.y.sub.example.com", true),
                Arguments.of("SMTP-20 .entry does not cover the bare domain", STRANGER, "a@sub.example.com", false),
                Arguments.of("SMTP-20 morercpthosts", STRANGER, "a@more.example", true),
                Arguments.of("SMTP-20 other domain refused", STRANGER, "a@evil.example", false),
                Arguments.of("SMTP-20 suffix must start at a dot", STRANGER, "a@notexample.com", false),
                Arguments.of("SMTP-20 domain after the last @", STRANGER, "a@evil.example@example.com", true),
                Arguments.of("SMTP-20 empty domain refused", STRANGER, "a@", false),
                Arguments.of("SMTP-13 no @ always passes", STRANGER, "postmaster", true),
                Arguments.of("SMTP-21 relay client /32", "192.0.2.7", "a@evil.example", true),
                Arguments.of("SMTP-21 /32 next address", "192.0.2.8", "a@evil.example", false),
                Arguments.of("SMTP-21 /8 last address", "10.255.255.255", "a@evil.example", true),
                Arguments.of("SMTP-21 /8 next address", "11.0.0.0", "a@evil.example", false),
                Arguments.of("SMTP-21 /8 previous address", "9.255.255.255", "a@evil.example", false),
                Arguments.of("SMTP-21 IPv6 /32", "2001:db8:ffff::1", "a@evil.example", true),
                Arguments.of("SMTP-21 IPv6 outside /32", "2001:db9::1", "a@evil.example", false),
                Arguments.of("SMTP-21 IPv4-mapped IPv6 client", "::ffff:10.1.2.3", "a@evil.example", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recipients")
    void accepts(String rule, String client, String recipient, boolean accepted) {
        assertEquals(accepted, policy().accepts(ip(client), recipient));
    }

    @Test
    void invalidRelayClientLinesAreIgnoredAndKeptForShowctl() {
        assertEquals(List.of("10.0.0.0/33"), control().relayclients().invalid());
        assertEquals(3, control().relayclients().networks().size());
    }

    @Test
    void quailNoRcpthostsMeansLocalsAndVirtualDomainsOnly() {
        RelayPolicy p = new RelayPolicy(new TestHome(dir)
                .control("locals", "example.com")
                .control("virtualdomains", "virt.example:v", ".vsub.example:w", "none.example:", "u@uv.example:x",
                        ":catchall")
                .load());
        InetAddress stranger = ip(STRANGER);
        assertEquals(List.of(true, true, true, true, false, false, false, false), Stream.of(
                "a@example.com", "a@virt.example", "a@x.vsub.example", "a@uv.example",
                "a@vsub.example", "a@none.example", "a@evil.example", "a@localhost")
                .map(r -> p.accepts(stranger, r)).toList());
    }

    @Test
    void quailNothingConfiguredAcceptsOnlyLocalhostAndRelaysForNobody() {
        RelayPolicy p = new RelayPolicy(new TestHome(dir).load());
        assertEquals(true, p.accepts(ip("127.0.0.1"), "a@localhost"));
        assertEquals(false, p.accepts(ip("127.0.0.1"), "a@example.com"));
        assertEquals(false, p.isRelayClient(ip("127.0.0.1")));
    }

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
        "0.0.0.0/0, 0.0.0.0, true",
        "0.0.0.0/0, 255.255.255.255, true",
        "0.0.0.0/0, ::1, false",
        "::/0, 2001:db8::1, true",
        "::/0, 127.0.0.1, false",
        "192.0.2.1/32, 192.0.2.1, true",
        "192.0.2.1/32, 192.0.2.2, false",
        "192.0.2.1, 192.0.2.1, true",
        "192.0.2.0/31, 192.0.2.1, true",
        "192.0.2.0/31, 192.0.2.2, false",
        "192.0.2.128/25, 192.0.2.127, false",
        "192.0.2.128/25, 192.0.2.255, true",
        "172.16.0.0/12, 172.31.255.255, true",
        "172.16.0.0/12, 172.32.0.0, false",
        "10.1.2.3/8, 10.200.0.1, true",
        "2001:db8::1/128, 2001:db8::1, true",
        "2001:db8::1/128, 2001:db8::2, false",
        "2001:db8::, 2001:db8::, true",
        "2001:db8::/127, 2001:db8::1, true",
        "2001:db8::/127, 2001:db8::2, false",
    })
    void cidrEdges(String cidr, String address, boolean contained) {
        assertEquals(contained, Cidr.parse(cidr).orElseThrow().contains(ip(address)));
    }

    @ParameterizedTest(name = "not a network: {0}")
    @CsvSource({"10.0.0.0/33", "::/129", "10.0.0", "256.1.1.1", "host.example", "10.0.0.0/", "10.0.0.0/-1",
        "0x7f.0.0.1", "[::1]", "2001:db8::1%eth0", "''"})
    void cidrRejects(String text) {
        assertEquals(java.util.Optional.empty(), Cidr.parse(text));
    }

    @ParameterizedTest(name = "SMTP-22 {0}: {1}")
    @CsvSource({
        "spam@bad.example, true",
        "SPAM@BAD.example, true",
        "other@bad.example, false",
        "x@evil.example, true",
        "x@EVIL.example, true",
        "x@sub.evil.example, false",
        "x@y@evil.example, true",
        "evil.example, false",
        "'', false",
    })
    void badMailFrom(String sender, boolean refused) {
        Control c = new TestHome(dir).control("badmailfrom", "spam@bad.example", "@Evil.Example", "#@x").load();
        assertEquals(refused, c.badmailfrom().matches(sender));
    }
}
