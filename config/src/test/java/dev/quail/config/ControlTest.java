/* The settings table's defaults and the `me` fallbacks (CTL-05), as Control.load applies them. */
package dev.quail.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ControlTest {
    @TempDir
    Path dir;

    private static List<String> hostSettings(Control c) {
        return List.of(c.smtpgreeting(), c.defaultdomain(), c.defaulthost(), c.plusdomain(), c.idhost(),
                c.envnoathost(), c.helohost(), c.localiphost(), c.bouncehost(), c.doublebouncehost());
    }

    @Test
    void emptyHomeGetsQmailDefaultsAndLocalhost() {
        Control c = new TestHome(dir).load();
        assertEquals("localhost", c.me());
        assertEquals(Set.of("localhost"), c.locals());
        assertEquals(Set.of("localhost"), c.rcpthosts().entries());
        assertEquals(List.of(10_240_000L, 1200L, 60L, 1200L, 604800L),
                List.of(c.databytes(), c.timeoutsmtpd(), c.timeoutconnect(), c.timeoutremote(), c.queuelifetime()));
        assertEquals(List.of(10, 20), List.of(c.concurrencylocal(), c.concurrencyremote()));
        assertEquals(Limits.defaults(), c.limits());
        assertEquals(List.of("MAILER-DAEMON", "postmaster"), List.of(c.bouncefrom(), c.doublebounceto()));
        assertEquals(List.of("localhost"), hostSettings(c).stream().distinct().toList());
        assertEquals(Set.of(), c.percenthack());
        assertEquals(Set.of(), c.badmailfrom().entries());
        assertEquals(List.of(), c.relayclients().networks());
    }

    @Test
    void proxyclientsDefaultToTheLoopbackBalancerAndAFileReplacesThem() throws Exception {
        RelayClients byDefault = new TestHome(dir).load().proxyclients();
        assertTrue(byDefault.contains(InetAddress.getByName("127.0.0.1")));
        assertTrue(byDefault.contains(InetAddress.getByName("::1")));
        assertFalse(byDefault.contains(InetAddress.getByName("127.0.0.2")), "one address, not the loopback network");
        RelayClients listed = new TestHome(dir).control("proxyclients", "# the balancers", "10.0.0.0/30").load()
                .proxyclients();
        assertTrue(listed.contains(InetAddress.getByName("10.0.0.3")));
        assertFalse(listed.contains(InetAddress.getByName("10.0.0.4")));
        assertFalse(listed.contains(InetAddress.getByName("127.0.0.1")), "the file replaces the default");
    }

    @Test
    void limitsAreControlFilesAndZeroTimesMeanOne() {
        Control c = new TestHome(dir).control("concurrencyperip", "3").control("maxlive", "50")
                .control("timeoutstress", "0").control("queueminfree", "0").load();
        assertEquals(3, c.limits().concurrencyperip());
        assertEquals(50, c.limits().maxlive());
        assertEquals(1, c.limits().timeoutstress(), "0 seconds would drop every client at once");
        assertEquals(0, c.limits().queueminfree(), "0 bytes of reserve is a choice, not a mistake");
        assertEquals(Limits.DEFAULT_CONCURRENCYINCOMING, c.limits().concurrencyincoming());
    }

    @Test
    void ctl05MeIsTheFallbackForEveryHostSetting() {
        Control c = new TestHome(dir).control("me", "mail.example.com").load();
        assertEquals(List.of("mail.example.com"), hostSettings(c).stream().distinct().toList());
        assertEquals(Set.of("mail.example.com"), c.locals());
    }

    @Test
    void explicitFilesOverrideTheFallbacks() {
        Control c = new TestHome(dir)
                .control("me", "mail.example.com")
                .control("helohost", "out.example.com")
                .control("bouncefrom", "bounces")
                .control("locals", "Example.COM", "other.example")
                .control("percenthack", "Relay.Example")
                .control("databytes", "1048576")
                .control("concurrencyremote", "99999999999")
                .load();
        assertEquals("out.example.com", c.helohost());
        assertEquals("mail.example.com", c.smtpgreeting());
        assertEquals("bounces", c.bouncefrom());
        assertEquals(Set.of("example.com", "other.example"), c.locals());
        assertEquals(Set.of("relay.example"), c.percenthack());
        assertEquals(1048576L, c.databytes());
        assertEquals(Integer.MAX_VALUE, c.concurrencyremote());
    }

    @Test
    void anEmptyLocalsFileMeansNoLocalDomains() {
        assertEquals(Set.of(), new TestHome(dir).control("locals").load().locals());
    }

    @ParameterizedTest(name = "timeoutsmtpd {0} ⇒ {1}")
    @CsvSource({"0, 1", "1, 1", "2, 2"})
    void timeoutsmtpdZeroMeansOne(String text, long effective) {
        assertEquals(effective, new TestHome(dir).control("timeoutsmtpd", text).load().timeoutsmtpd());
    }

    @Test
    void ctl04AnUnreadableControlFileFailsTheLoad() throws IOException {
        Files.createDirectories(dir.resolve("control").resolve("rcpthosts"));
        assertThrows(IOException.class, () -> Control.load(dir));
    }

    @Test
    void dq12DefaultDeliveryIsAMaildirUnlessTheFileSaysOtherwise() {
        assertEquals("./Maildir/", new TestHome(dir).load().defaultdelivery());
        assertEquals("./Maildir/", new TestHome(dir).control("defaultdelivery", "# only a comment", "").load()
                .defaultdelivery());
        assertEquals("./Mailbox\n|cat\n", new TestHome(dir).control("defaultdelivery", "./Mailbox", "# c", "|cat")
                .load().defaultdelivery());
    }
}
