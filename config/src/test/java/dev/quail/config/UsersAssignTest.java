/* USR-01..04: users/assign parsing and lookup, and the atomic put used by `quail` user commands. */
package dev.quail.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UsersAssignTest {
    private static final String ASSIGN = String.join("\n",
            "=joe:joe:1001:1001:/home/joe:::",
            "=Joe:duplicate:1:1:/x:::",
            "=joe-special:special:1004:1004:/home/special:::",
            "xbob:bob:1005:1005:/home/bob:::",
            "+joe-:joe:1001:1001:/home/joe:-::",
            "+joe-list-:list:1002:1002:/home/list:-:list-:",
            "",
            "+:alias:1003:1003:/var/alias:-::",
            ".",
            "=after:after:1:1:/x:::",
            "");

    @TempDir
    Path dir;

    private UsersAssign load(String text) throws IOException {
        return UsersAssign.load(Files.writeString(dir.resolve("assign"), text));
    }

    static Stream<Arguments> lookups() {
        return Stream.of(
                Arguments.of("USR-01 simple entry", "joe", "joe", "", ""),
                Arguments.of("USR-03 lookup is case-insensitive", "JOE", "joe", "", ""),
                Arguments.of("USR-04 duplicate key: first line wins", "joe", "joe", "", ""),
                Arguments.of("USR-02 a line without = is simple, first char skipped", "bob", "bob", "", ""),
                Arguments.of("USR-04 exact beats wildcard", "joe-special", "special", "", ""),
                Arguments.of("USR-01 wildcard: ext = pre + rest", "joe-foo", "joe", "-", "foo"),
                Arguments.of("USR-03 wildcard rest keeps its case", "Joe-Foo", "joe", "-", "Foo"),
                Arguments.of("USR-04 longest prefix wins", "joe-list-x", "list", "-", "list-x"),
                Arguments.of("USR-03 case kept after the longest prefix", "JOE-LIST-Y", "list", "-", "list-Y"),
                Arguments.of("USR-01 wildcard covers the prefix itself", "joe-list-", "list", "-", "list-"),
                Arguments.of("USR-04 catch-all last", "nobody", "alias", "-", "nobody"),
                Arguments.of("USR-01 lines after '.' are ignored", "after", "alias", "-", "after"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lookups")
    void lookup(String rule, String local, String user, String dash, String ext) throws IOException {
        Assignment a = load(ASSIGN).lookup(local).orElseThrow();
        assertEquals(List.of(user, dash, ext), List.of(a.user(), a.dash(), a.ext()));
    }

    @Test
    void usr01FieldsOfASimpleEntry() throws IOException {
        assertEquals(Optional.of(new Assignment("joe", false, "joe", "1001", "1001", Path.of("/home/joe"), "", "")),
                load(ASSIGN).lookup("joe"));
        assertEquals(7, load(ASSIGN).entries().size());
    }

    @Test
    void usr04NoCatchAllMeansNotFound() throws IOException {
        assertEquals(Optional.empty(), load("=joe:joe:1:1:/h:::\n.\n").lookup("ann"));
        assertEquals(Optional.empty(), UsersAssign.load(dir.resolve("missing")).lookup("joe"));
    }

    @Test
    void usr02SixColonsAfterTheKeyAreRequired() throws IOException {
        assertEquals(1, load("=a:u:1:1:/h:::\n.\n").entries().size());
        assertThrows(IOException.class, () -> load("=a:u:1:1:/h::\n.\n"));
    }

    @Test
    void usr02FormatErrors() {
        assertThrows(IOException.class, () -> load(":u:1:1:/h:::\n.\n"));
        assertThrows(IOException.class, () -> load("nocolon\n.\n"));
        assertThrows(IOException.class, () -> load("=a:u:1:1:/h\0:::\n.\n"));
    }

    @Test
    void putReplacesTheEntryAndKeepsEveryOtherLine() throws IOException {
        Path file = Files.writeString(dir.resolve("assign"), ASSIGN);
        Assignment joe = new Assignment("joe", false, "joe", "2000", "2000", Path.of("/srv/joe"), "", "");
        UsersAssign.put(file, joe);
        List<String> lines = Files.readAllLines(file);
        assertEquals("=joe:joe:2000:2000:/srv/joe:::", lines.get(0));
        assertEquals(ASSIGN.lines().skip(2).toList(), lines.subList(1, lines.size()), "duplicate dropped, rest kept");
        assertEquals(Optional.of(joe), UsersAssign.load(file).lookup("joe"));
        assertEquals(List.of("assign"), List.of(dir.toFile().list()), "no temporary file left behind");
    }

    @Test
    void putAddsANewEntryBeforeTheEndMarker() throws IOException {
        Path file = Files.writeString(dir.resolve("assign"), ASSIGN);
        UsersAssign.put(file, new Assignment("ann", false, "ann", "3", "3", Path.of("/home/ann"), "", ""));
        List<String> lines = Files.readAllLines(file);
        assertEquals("=ann:ann:3:3:/home/ann:::", lines.get(lines.indexOf(".") - 1));
        assertEquals("=after:after:1:1:/x:::", lines.get(lines.size() - 1));
        assertEquals("ann", UsersAssign.load(file).lookup("ann").orElseThrow().user());
    }

    @Test
    void putCreatesAMissingFile() throws IOException {
        Path file = dir.resolve("users").resolve("assign");
        UsersAssign.put(file, new Assignment("ann", false, "ann", "3", "3", Path.of("/h"), "", ""));
        assertEquals(List.of("=ann:ann:3:3:/h:::", "."), Files.readAllLines(file));
        assertTrue(UsersAssign.load(file).lookup("ANN").isPresent());
    }

    @Test
    void putRefusesAColonInAField() {
        Assignment bad = new Assignment("a:b", false, "u", "1", "1", Path.of("/h"), "", "");
        assertThrows(IllegalArgumentException.class, () -> UsersAssign.put(dir.resolve("assign"), bad));
    }
}
