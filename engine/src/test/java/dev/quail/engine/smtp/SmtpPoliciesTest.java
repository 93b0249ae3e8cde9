package dev.quail.engine.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quail.engine.lists.Lists;
import dev.quail.config.Limits;
import dev.quail.engine.TestHomes;
import dev.quail.engine.serial.SerialPickup;
import java.time.Clock;
import dev.quail.protocols.smtp.SmtpPolicy;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The SMTP bounds come from the settings table (maxrecipients, maxhops, databytes), with their defaults. */
class SmtpPoliciesTest {
    private static final RecipientCheck NO_ALIAS =
            new RecipientCheck(Path.of("/nonexistent/alias"), Lists.of(Path.of("/nonexistent")),
                    System::currentTimeMillis);
    private static final SerialPickup NO_SERIAL = new SerialPickup(null, Runnable::run, Clock.systemUTC());

    @Test
    void maxrecipients_maxhops_and_databytes_are_settings() throws Exception {
        SmtpPolicy set = SmtpPolicies.forClient(TestHomes.controls(Map.of("maxrecipients", "3", "maxhops", "7",
                "databytes", "5000")).current(), InetAddress.getLoopbackAddress(), () -> false, NO_ALIAS, NO_SERIAL);
        assertEquals(3, set.maxRecipients());
        assertEquals(7, set.maxHops());
        assertEquals(5000, set.databytes());
        SmtpPolicy dflt = SmtpPolicies.forClient(TestHomes.controls(Map.of()).current(),
                InetAddress.getLoopbackAddress(), () -> false, NO_ALIAS, NO_SERIAL);
        assertEquals(Limits.DEFAULT_MAXRECIPIENTS, dflt.maxRecipients());
        assertEquals(Limits.DEFAULT_MAXHOPS, dflt.maxHops());
        SmtpPolicy local = SmtpPolicies.forLocalUser(TestHomes.controls(Map.of("maxrecipients", "4")).current());
        assertEquals(4, local.maxRecipients());
        assertEquals(0, local.databytes());
    }

    @Test
    void smtp12_an_address_at_one_of_our_own_ips_is_at_localiphost() throws Exception {
        var c = TestHomes.controls(Map.of("localiphost", "mail.test.example\n")).current().control();
        assertEquals("u@mail.test.example", SmtpPolicies.localIpHost(c, "u@[127.0.0.1]"));
        assertEquals("u@mail.test.example", SmtpPolicies.localIpHost(c, "u@[IPv6:::1]"));
        assertEquals("u@[192.0.2.1]", SmtpPolicies.localIpHost(c, "u@[192.0.2.1]"), "not ours: unchanged");
        assertEquals("u@[not-an-ip]", SmtpPolicies.localIpHost(c, "u@[not-an-ip]"));
        assertEquals("u@example.org", SmtpPolicies.localIpHost(c, "u@example.org"));
        assertEquals("postmaster", SmtpPolicies.localIpHost(c, "postmaster"));
        var dflt = TestHomes.controls(Map.of()).current().control();
        assertEquals("u@test.example", SmtpPolicies.localIpHost(dflt, "u@[127.0.0.1]"), "localiphost defaults to me");
    }

    @Test
    void smtp21_the_clients_rule_gives_relayclient_databytes_and_the_greeting_and_relayclients_still_relays()
            throws Exception {
        var snapshot = TestHomes.controls(Map.of("clients",
                "192.0.2.0/24:allow,RELAYCLIENT=\"@fixme\",DATABYTES=\"1000\",SMTPGREETING=\"door\"\n"
                        + "2001:db8::/32:allow,DATABYTES=\"0\"\n",
                "relayclients", "198.51.100.0/24\n2001:db8::/32\n", "databytes", "5000")).current();
        SmtpPolicy ruled = SmtpPolicies.forClient(snapshot, InetAddress.getByName("192.0.2.9"), () -> false, NO_ALIAS,
                NO_SERIAL);
        assertEquals(Optional.of("@fixme"), ruled.relayClient());
        assertEquals(1000, ruled.databytes());
        assertEquals("door", ruled.greeting());
        SmtpPolicy listed = SmtpPolicies.forClient(snapshot, InetAddress.getByName("198.51.100.9"), () -> false,
                NO_ALIAS, NO_SERIAL);
        assertEquals(Optional.of(""), listed.relayClient(), "relayclients is RELAYCLIENT=\"\"");
        assertEquals(5000, listed.databytes());
        assertEquals("test.example", listed.greeting());
        SmtpPolicy both = SmtpPolicies.forClient(snapshot, InetAddress.getByName("2001:db8::1"), () -> false,
                NO_ALIAS, NO_SERIAL);
        assertEquals(Optional.of(""), both.relayClient(), "a rule without RELAYCLIENT keeps relayclients' word");
        assertEquals(0, both.databytes(), "DATABYTES=0 is unlimited, as in qmail");
        SmtpPolicy nobody = SmtpPolicies.forClient(snapshot, InetAddress.getByName("203.0.113.1"), () -> false,
                NO_ALIAS, NO_SERIAL);
        assertEquals(Optional.empty(), nobody.relayClient());
        assertEquals(Optional.empty(), nobody.etrn(), "no serialhosts: ETRN stays unimplemented, as in qmail");
    }
}
