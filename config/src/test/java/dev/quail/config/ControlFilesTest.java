/* CTL-01..04: how every control file is read. */
package dev.quail.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ControlFilesTest {
    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        return Files.writeString(dir.resolve("f"), text);
    }

    static Stream<Arguments> singleLines() {
        return Stream.of(
                Arguments.of("CTL-01 only the first line", "mail.example.com\nother\n", "mail.example.com"),
                Arguments.of("CTL-01 trailing spaces, tabs, CR stripped", "host \t\r\n", "host"),
                Arguments.of("CTL-01 leading space kept", "  host\n", "  host"),
                Arguments.of("CTL-01 no final newline", "host", "host"),
                Arguments.of("Quail: blank first line counts as missing", " \nhost\n", "DEFAULT"),
                Arguments.of("Quail: empty file counts as missing", "", "DEFAULT"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("singleLines")
    void singleValue(String rule, String text, String expected) throws IOException {
        assertEquals(expected, ControlFiles.line(file(text), "DEFAULT"));
    }

    static Stream<Arguments> numbers() {
        return Stream.of(
                Arguments.of("CTL-01 decimal", "20\n", 20L),
                Arguments.of("CTL-01 zero is a value", "0\n", 0L),
                Arguments.of("CTL-01 leading digits, like scan_ulong", "20x\n", 20L),
                Arguments.of("CTL-01 trailing space", "30 \n", 30L),
                Arguments.of("CTL-01 no leading digit", "x20\n", 7L),
                Arguments.of("CTL-01 unsigned: minus sign", "-1\n", 7L),
                Arguments.of("CTL-01 leading space", " 5\n", 7L),
                Arguments.of("Long.MAX_VALUE", "9223372036854775807\n", Long.MAX_VALUE),
                Arguments.of("one more than Long.MAX_VALUE", "9223372036854775808\n", 7L),
                Arguments.of("only the first line", "\n5\n", 7L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("numbers")
    void number(String rule, String text, long expected) throws IOException {
        assertEquals(expected, ControlFiles.number(file(text), 7));
    }

    @Test
    void ctl02ListSkipsBlankAndCommentLinesAndStripsTrailingWhitespace() throws IOException {
        Path f = file("a\n\n# comment\nb  \n   \n c\n#x\nlast");
        assertEquals(List.of("a", "b", " c", "last"), ControlFiles.list(f));
    }

    @Test
    void ctl02AnEmptyFileIsAnEmptyListNotTheDefault() throws IOException {
        assertEquals(List.of(), ControlFiles.list(file(""), List.of("dflt")));
    }

    @Test
    void ctl03MapKeysCaseInsensitiveLaterWinsLinesWithoutColonIgnored() throws IOException {
        Path f = file("Example.COM:first\nnocolon\nexample.com:second\n# c:d\nx:y:z\n:empty-key\n");
        assertEquals(Map.of("example.com", "second", "x", "y:z", "", "empty-key"), ControlFiles.map(f));
    }

    @Test
    void ctl04MissingFileGivesTheDefault() throws IOException {
        Path missing = dir.resolve("missing");
        assertEquals("d", ControlFiles.line(missing, "d"));
        assertEquals(9, ControlFiles.number(missing, 9));
        assertEquals(List.of("d"), ControlFiles.list(missing, List.of("d")));
        assertEquals(Map.of(), ControlFiles.map(missing));
    }

    @Test
    void ctl04UnreadableFileIsAnError() throws IOException {
        Path unreadable = Files.createDirectory(dir.resolve("databytes"));
        assertThrows(IOException.class, () -> ControlFiles.line(unreadable, "d"));
        assertThrows(IOException.class, () -> ControlFiles.list(unreadable));
        assertThrows(IOException.class, () -> ControlFiles.map(unreadable));
    }
}
