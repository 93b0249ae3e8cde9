package dev.quail.engine.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quail.config.HostList;
import dev.quail.config.Routes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Routing before DNS: smtproutes (REM-01) and address literals (REM-02). */
class DestinationTest {
    private static final HostList NO_TLS = HostList.of(List.of());

    private static Routes routes(String... lines) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            map.put(line.substring(0, colon), line.substring(colon + 1));
        }
        return new Routes(map);
    }

    @Test
    void rem01_withoutARouteADomainGoesToItsMxOnPort25() {
        assertEquals(new Destination("example.org", Destination.Kind.MX, "example.org", 25, false),
                Destination.of("Example.ORG", routes(), 25, NO_TLS));
    }

    @Test
    void rem01_aRouteNamesTheRelayAndItsPort() {
        Routes r = routes("example.org:relay.example.net:2525", "other.org:relay.example.net", ".sub.org:[10.0.0.1]");
        assertEquals(new Destination("relay relay.example.net:2525", Destination.Kind.RELAY, "relay.example.net",
                2525, false), Destination.of("example.org", r, 25, NO_TLS));
        assertEquals(new Destination("relay relay.example.net:25", Destination.Kind.RELAY, "relay.example.net", 25,
                false),
                Destination.of("other.org", r, 25, NO_TLS));
        assertEquals(new Destination("relay 10.0.0.1:25", Destination.Kind.RELAY, "10.0.0.1", 25, false),
                Destination.of("a.b.sub.org", r, 25, NO_TLS));
        assertEquals(Destination.Kind.MX, Destination.of("sub.org", r, 25, NO_TLS).kind());
    }

    @Test
    void rem01_theEmptyKeyIsTheSmarthostAndAnEmptyRelayMeansMx() {
        Routes r = routes(":smarthost.example:587", "direct.example:");
        assertEquals("relay smarthost.example:587", Destination.of("anything.example", r, 25, NO_TLS).key());
        assertEquals(new Destination("direct.example", Destination.Kind.MX, "direct.example", 25, false),
                Destination.of("direct.example", r, 25, NO_TLS));
    }

    @Test
    void rem01_domainsRoutedToOneRelayShareItsKey() {
        Routes r = routes(".example:hub.example.net");
        assertEquals(Destination.of("a.example", r, 25, NO_TLS).key(),
                Destination.of("b.example", r, 25, NO_TLS).key());
    }

    @Test
    void rem02_addressLiteralsAreThemselves() {
        assertEquals(new Destination("[192.0.2.7]", Destination.Kind.LITERAL, "192.0.2.7", 25, false),
                Destination.of("[192.0.2.7]", routes(), 25, NO_TLS));
        assertEquals("192.0.2.7", Destination.of("192.0.2.7", routes(), 25, NO_TLS).host());
        assertEquals(Destination.Kind.LITERAL,
                Destination.of("[IPv6:2001:db8::1]", routes(), 25, NO_TLS).kind());
        assertEquals(Destination.Kind.MX, Destination.of("[192.0.2.256]", routes(), 25, NO_TLS).kind());
        assertEquals(Destination.Kind.MX, Destination.of("1.2.3", routes(), 25, NO_TLS).kind());
    }

    @Test
    void tlsDestinationsGetTheirOwnKeyWhereverTheyAreRouted() {
        HostList tls = HostList.of(List.of("secure.example", ".vault.example"));
        Routes r = routes("secure.example:hub.example.net", "plain.example:hub.example.net");
        Destination secure = Destination.of("Secure.Example", r, 25, tls);
        assertEquals(new Destination("relay hub.example.net:25 tls-required", Destination.Kind.RELAY,
                "hub.example.net", 25, true), secure);
        assertEquals("relay hub.example.net:25", Destination.of("plain.example", r, 25, tls).key());
        assertEquals(new Destination("a.vault.example tls-required", Destination.Kind.MX, "a.vault.example", 25,
                true), Destination.of("a.vault.example", routes(), 25, tls));
        assertEquals(false, Destination.of("vault.example", routes(), 25, tls).tlsRequired());
    }
}
