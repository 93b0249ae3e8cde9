/* showctl and the settings table cover every setting Control has, and say where each value comes from. */
package dev.quail.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShowCtlTest {
    @TempDir
    Path dir;

    @Test
    void theTableNamesExactlyTheSettingsControlLoads() {
        Set<String> components = Arrays.stream(Control.class.getRecordComponents())
                .map(RecordComponent::getName).filter(name -> !name.equals("limits")).collect(Collectors.toCollection(java.util.HashSet::new));
        Arrays.stream(Limits.class.getRecordComponents()).map(RecordComponent::getName).forEach(components::add);
        List<String> names = Settings.all().stream().map(Setting::name).toList();
        assertEquals(components, Set.copyOf(names));
        assertEquals(names.size(), Set.copyOf(names).size(), "no duplicate rows");
    }

    @Test
    void showctlListsEverySettingWithItsSource() throws IOException {
        new TestHome(dir).control("me", "mail.example.com").control("databytes", "5000")
                .control("relayclients", "10.0.0.0/8", "bogus");
        String out = ShowCtl.render(dir);
        for (Setting s : Settings.all()) {
            assertTrue(out.lines().anyMatch(l -> l.startsWith(s.name() + " ")), "missing " + s.name() + "\n" + out);
        }
        assertTrue(out.contains("\nme                   file     mail.example.com\n"), out);
        assertTrue(out.contains("\ndatabytes            file     5000\n"), out);
        assertTrue(out.contains("\nhelohost             default  mail.example.com\n"), out);
        assertTrue(out.contains("\nrelayclients         file     10.0.0.0/8\n"), out);
        assertTrue(out.contains("\nbadmailfrom          default  (none)\n"), out);
        assertTrue(out.contains("\nmaxlive              default  2000\n"), out);
        assertTrue(out.contains("warning: ignored invalid line in control/relayclients: bogus\n"), out);
    }

    @Test
    void markdownTableHasOneRowPerSetting() {
        List<String> rows = Settings.markdownTable().lines().toList();
        assertEquals(Settings.all().size() + 2, rows.size());
        assertTrue(rows.contains("| timeoutsmtpd | 1200 | SmtpServer | seconds to wait for each network read or write"
                + " (0 means 1) |"));
    }
}
