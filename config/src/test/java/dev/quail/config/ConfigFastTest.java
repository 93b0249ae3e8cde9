/* qmail's config-fast, for a Quail home. */
package dev.quail.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigFastTest {
    @TempDir
    Path dir;

    private List<String> read(String name) throws IOException {
        return Files.readAllLines(dir.resolve("control").resolve(name));
    }

    @Test
    void writesTheFiveFilesOfAnEmptyHome() throws IOException {
        ConfigFast.apply(dir, "mail.dept.example.com");
        assertEquals(List.of("mail.dept.example.com"), read("me"));
        assertEquals(List.of("dept.example.com"), read("defaultdomain"));
        assertEquals(List.of("example.com"), read("plusdomain"));
        assertEquals(List.of("mail.dept.example.com"), read("locals"));
        assertEquals(List.of("mail.dept.example.com"), read("rcpthosts"));
        Control c = Control.load(dir);
        assertEquals("mail.dept.example.com", c.helohost());
        assertEquals(true, c.rcpthosts().matches("MAIL.dept.example.com"));
    }

    @ParameterizedTest(name = "{0}: defaultdomain {1}, plusdomain {2}")
    @CsvSource({
        "a.b.example.com, b.example.com, example.com",
        "mail.example.com, example.com, example.com",
        "example.com, example.com, example.com",
        "localhost, localhost, localhost",
    })
    void domainsDerivedLikeConfigFastsSed(String fqdn, String defaultdomain, String plusdomain) {
        assertEquals(List.of(defaultdomain, plusdomain), List.of(ConfigFast.defaultDomain(fqdn),
                ConfigFast.plusDomain(fqdn)));
    }

    @Test
    void keepsExistingLinesAndDoesNotAddTwice() throws IOException {
        new TestHome(dir).control("locals", "# ours", "other.example", "MAIL.example.com ");
        ConfigFast.apply(dir, "mail.example.com");
        ConfigFast.apply(dir, "mail.example.com");
        assertEquals(List.of("# ours", "other.example", "MAIL.example.com "), read("locals"));
        assertEquals(List.of("mail.example.com"), read("rcpthosts"));
    }

    @Test
    void refusesSomethingThatIsNotAHostName() {
        for (String bad : List.of("", "two words", "a:b", "a/b", "a\nb")) {
            assertThrows(IllegalArgumentException.class, () -> ConfigFast.apply(dir, bad), bad);
        }
    }
}
