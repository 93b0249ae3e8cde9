package dev.quail.engine.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quail.config.Limits;
import dev.quail.engine.TestHomes;
import dev.quail.protocols.smtp.SmtpPolicy;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SMTP bounds come from the settings table (maxrecipients, maxhops, databytes), with their defaults. */
class SmtpPoliciesTest {
    private static final RecipientCheck NO_ALIAS =
            new RecipientCheck(Path.of("/nonexistent/alias"), System::currentTimeMillis);

    @Test
    void maxrecipients_maxhops_and_databytes_are_settings() throws Exception {
        SmtpPolicy set = SmtpPolicies.forClient(TestHomes.controls(Map.of("maxrecipients", "3", "maxhops", "7",
                "databytes", "5000")).current(), InetAddress.getLoopbackAddress(), () -> false, NO_ALIAS);
        assertEquals(3, set.maxRecipients());
        assertEquals(7, set.maxHops());
        assertEquals(5000, set.databytes());
        SmtpPolicy dflt = SmtpPolicies.forClient(TestHomes.controls(Map.of()).current(),
                InetAddress.getLoopbackAddress(), () -> false, NO_ALIAS);
        assertEquals(Limits.DEFAULT_MAXRECIPIENTS, dflt.maxRecipients());
        assertEquals(Limits.DEFAULT_MAXHOPS, dflt.maxHops());
        SmtpPolicy local = SmtpPolicies.forLocalUser(TestHomes.controls(Map.of("maxrecipients", "4")).current());
        assertEquals(4, local.maxRecipients());
        assertEquals(0, local.databytes());
    }
}
