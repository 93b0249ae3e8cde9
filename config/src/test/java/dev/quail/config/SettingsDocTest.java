/*
 * docs/control.md carries the settings table of {@link Settings}: this test fails when the file is stale.
 * Run with -Dquail.writeDocs=true to rewrite the table in place (the prose around it is kept).
 */
package dev.quail.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SettingsDocTest {
    private static final Path DOC = Path.of("..", "docs", "control.md");
    private static final String BEGIN = "<!-- settings table: generated from dev.quail.config.Settings by SettingsDocTest;"
            + " do not edit by hand -->\n";
    private static final String END = "<!-- end of settings table -->\n";

    @Test
    void docsControlMdHasTheCurrentSettingsTable() throws IOException {
        String doc = Files.readString(DOC);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertTrue(begin >= 0 && end > begin, "docs/control.md lost its table markers");
        String fresh = doc.substring(0, begin + BEGIN.length()) + Settings.markdownTable() + doc.substring(end);
        if (Boolean.getBoolean("quail.writeDocs")) Files.writeString(DOC, fresh);
        assertEquals(fresh, Files.readString(DOC),
                "docs/control.md is stale: run mvn -pl config test -Dtest=SettingsDocTest -Dquail.writeDocs=true");
    }
}
