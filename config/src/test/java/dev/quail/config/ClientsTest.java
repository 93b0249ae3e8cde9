package dev.quail.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** control/clients, tcprules' rules for qmail-smtpd (SMTP-21): the most specific network wins, typos are ignored. */
class ClientsTest {
    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void smtp21_theMostSpecificNetworkWinsWhateverTheOrder() throws Exception {
        Clients c = Clients.parse(List.of(
                ":deny",
                "192.0.2.0/24:allow,RELAYCLIENT=\"@fixme\",DATABYTES=\"1000\"",
                "192.0.2.7:deny",
                "192.0.2.0/25:allow,SMTPGREETING=\"half, welcome\"",
                "2001:db8::/32:allow,RELAYCLIENT=\"\""));
        assertFalse(c.of(ip("192.0.2.7")).allow(), "a /32 beats every network around it");
        assertEquals(Optional.of("half, welcome"), c.of(ip("192.0.2.8")).greeting());
        assertEquals(Optional.empty(), c.of(ip("192.0.2.8")).relayClient(), "only the winning rule's variables count");
        assertEquals(Optional.of("@fixme"), c.of(ip("192.0.2.200")).relayClient());
        assertEquals(OptionalLong.of(1000), c.of(ip("192.0.2.200")).databytes());
        assertEquals(Optional.of(""), c.of(ip("2001:db8::25")).relayClient(), "set and empty is set, as in qmail");
        assertFalse(c.of(ip("198.51.100.1")).allow(), "the empty key is every other client");
        assertFalse(c.of(ip("2001:db9::1")).allow());
        assertTrue(Clients.parse(List.of()).of(ip("198.51.100.1")).allow(), "no rules: everyone, with the files");
    }

    @Test
    void smtp21_aValueRunsToTheNextOccurrenceOfItsOwnQuoteAsInTcprules() {
        Clients c = Clients.parse(List.of("10.0.0.0/8:allow,SMTPGREETING='say \"hi\", then:deny',DATABYTES=\"0\""));
        assertEquals(List.of(), c.invalid());
        Clients.Rule r = c.rules().get(0);
        assertEquals(Map.of("SMTPGREETING", "say \"hi\", then:deny", "DATABYTES", "0"), r.variables());
        assertEquals(OptionalLong.of(0), r.databytes());
        assertEquals(OptionalLong.of(5), Clients.parse(List.of(":allow,CONCURRENCYPERIP=\"5\""))
                .of(InetAddress.getLoopbackAddress()).concurrencyPerIp());
    }

    @Test
    void smtp21_linesThatAreNotRulesAreKeptAsInvalidAndIgnored() throws Exception {
        List<String> bad = List.of(
                "192.0.2.0/33:allow",
                "192.0.2.0/24 allow",
                "192.0.2.0/24:permit",
                "192.0.2.0/24:allow,RELAYCLEINT=\"\"",
                "192.0.2.0/24:allow,RELAYCLIENT=\"unclosed",
                "192.0.2.0/24:allow,RELAYCLIENT=\"a\"junk",
                "192.0.2.0/24:deny,RELAYCLIENT=\"\"",
                "example.com:allow",
                "192.0.2.0/24:allow,SMTPGREETING=\"a\tb\"");
        Clients c = Clients.parse(bad);
        assertEquals(bad, c.invalid());
        assertEquals(List.of(), c.rules());
        assertTrue(c.of(ip("192.0.2.1")).allow());
    }
}
