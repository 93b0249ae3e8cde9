package dev.quail.engine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SiteLinesTest {
    private static final Caller ROOT = new Caller("root", Optional.empty());

    @Test
    void suspendCarriesTheSecondsAndAOneLineReasonOrWhoSuspended() {
        assertEquals("suspend .example.net 600 disk full at their end",
                SiteLines.suspend(ROOT, ".example.net", "600", " disk full at their end "));
        assertEquals("suspend .example.net 60 suspended by root", SiteLines.suspend(ROOT, ".example.net", "60", ""));
        assertEquals("resume .example.net", SiteLines.resume(".example.net"));
    }

    @Test
    void whatTheLineCannotCarryIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SiteLines.suspend(ROOT, "a b", "60", ""));
        assertThrows(IllegalArgumentException.class, () -> SiteLines.suspend(ROOT, "x", "1h", ""));
        assertThrows(IllegalArgumentException.class, () -> SiteLines.suspend(ROOT, "x", "1234567890", ""));
        assertThrows(IllegalArgumentException.class, () -> SiteLines.suspend(ROOT, "x", "60", "a\nresume x"));
        assertThrows(IllegalArgumentException.class, () -> SiteLines.resume(""));
    }
}
