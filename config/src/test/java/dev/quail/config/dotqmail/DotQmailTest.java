/*
 * qmail-local's pure rules, one row per QMAIL-REFERENCE item: the .qmail format (DQ-10/11/04), the
 * extension-file search (DQ-20..23), the list-owner sender (DQ-33, BNC-20, VERP-04), program exit codes
 * (DQ-31), the program environment (DQ-32) and the added lines (FMT-01..03, ADDR-03).
 */
package dev.quail.config.dotqmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DotQmailTest {

    static Stream<Arguments> files() {
        return Stream.of(
                Arguments.of("DQ-11 # is a comment", "# nothing\n", List.of()),
                Arguments.of("DQ-11 | is a program, the rest of the line", "|preline procmail -t\n",
                        List.of(new Instruction.Program("preline procmail -t"))),
                Arguments.of("DQ-11 ./x is an mbox", "./Mailbox\n", List.of(new Instruction.Mbox("./Mailbox"))),
                Arguments.of("DQ-11 /x is an mbox", "/var/mail/joe\n", List.of(new Instruction.Mbox("/var/mail/joe"))),
                Arguments.of("DQ-11 a final / makes a maildir", "./Maildir/\n",
                        List.of(new Instruction.Maildir("./Maildir/"))),
                Arguments.of("DQ-11 & forwards to the rest", "&joe@example.com\n",
                        List.of(new Instruction.Forward("joe@example.com"))),
                Arguments.of("DQ-11 anything else forwards to the whole line", "joe@example.com\n",
                        List.of(new Instruction.Forward("joe@example.com"))),
                Arguments.of("DQ-11 forwards are literal: <> and comments stay", "<joe@example.com> (Joe)\n",
                        List.of(new Instruction.Forward("<joe@example.com> (Joe)"))),
                Arguments.of("DQ-11 leading space is kept: a forward", " ./Mailbox\n",
                        List.of(new Instruction.Forward(" ./Mailbox"))),
                Arguments.of("DQ-04 +list is kept, other + lines are ignored", "+list\n+other\n&a@b.c\n",
                        List.of(new Instruction.ForwardOnly(), new Instruction.Forward("a@b.c"))),
                Arguments.of("DQ-10 trailing spaces and tabs are removed", "./Maildir/ \t\n|cat  \n",
                        List.of(new Instruction.Maildir("./Maildir/"), new Instruction.Program("cat"))),
                Arguments.of("DQ-10 a final newline is implied", "&a@b.c\n&d@e.f",
                        List.of(new Instruction.Forward("a@b.c"), new Instruction.Forward("d@e.f"))),
                Arguments.of("DQ-10 later blank lines are ignored", "&a@b.c\n\n   \n&d@e.f\n",
                        List.of(new Instruction.Forward("a@b.c"), new Instruction.Forward("d@e.f"))),
                Arguments.of("DQ-10 lines run in file order", "|one\n./Maildir/\n&x@y.z\n./mbox\n",
                        List.of(new Instruction.Program("one"), new Instruction.Maildir("./Maildir/"),
                                new Instruction.Forward("x@y.z"), new Instruction.Mbox("./mbox"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void parse(String rule, String text, List<Instruction> expected) {
        assertEquals(expected, DotQmailFile.parse(text));
    }

    @ParameterizedTest(name = "DQ-10 a blank first line is an error: {0}")
    @MethodSource("blankFirstLines")
    void blankFirstLine(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DotQmailFile.parse(text));
        assertEquals("Uh-oh: first line of .qmail file is blank. (#4.2.1)", e.getMessage());
    }

    static Stream<String> blankFirstLines() {
        return Stream.of("\n&a@b.c\n", " \t\n./Maildir/\n", "");
    }

    static Stream<Arguments> searches() {
        return Stream.of(
                Arguments.of("DQ-21 a-b-c: exact, then defaults from most to least specific", "-", "a-b-c",
                        List.of(".qmail-a-b-c", ".qmail-a-b-default", ".qmail-a-default", ".qmail-default")),
                Arguments.of("DQ-21 a-: the trailing dash gives a-default", "-", "a-",
                        List.of(".qmail-a-", ".qmail-a-default", ".qmail-default")),
                Arguments.of("DQ-21 one word", "-", "list", List.of(".qmail-list", ".qmail-default")),
                Arguments.of("DQ-20 ext is lower-cased", "-", "List-Bob",
                        List.of(".qmail-list-bob", ".qmail-list-default", ".qmail-default")),
                Arguments.of("DQ-20 dots become colons", "-", "p.d.q.bach",
                        List.of(".qmail-p:d:q:bach", ".qmail-default")),
                Arguments.of("DQ-20 the dash of users/assign is used as it is", "-/", "a-b",
                        List.of(".qmail-/a-b", ".qmail-/a-default", ".qmail-/default")),
                Arguments.of("DQ-23 empty dash and ext: .qmail, then the .qmaildefault quirk", "", "",
                        List.of(".qmail", ".qmaildefault")),
                Arguments.of("EXT-02 a virtual domain box under a prepend", "-", "foo-box",
                        List.of(".qmail-foo-box", ".qmail-foo-default", ".qmail-default")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("searches")
    void search(String rule, String dash, String ext, List<String> names) {
        assertEquals(names, ExtensionSearch.candidates(dash, ext).stream().map(ExtensionSearch.Candidate::fileName)
                .toList());
    }

    static Stream<Arguments> defaults() {
        return Stream.of(
                Arguments.of("DQ-22 DEFAULT keeps the original case", "List-Bob.Smith", ".qmail-list-default",
                        Optional.of("Bob.Smith")),
                Arguments.of("DQ-22 .qmail-default stands for the whole ext", "a-b", ".qmail-default",
                        Optional.of("a-b")),
                Arguments.of("DQ-22 the exact file sets no DEFAULT", "a-b", ".qmail-a-b", Optional.empty()),
                Arguments.of("DQ-22 ... unless its name ends in default", "owner-Default", ".qmail-owner-default",
                        Optional.of("Default")),
                Arguments.of("VERP-05 -owner-default sees box=dom", "list-owner-joe=y.com",
                        ".qmail-list-owner-default", Optional.of("joe=y.com")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("defaults")
    void defaultPart(String rule, String ext, String file, Optional<String> expected) {
        Optional<String> found = ExtensionSearch.candidates("-", ext).stream()
                .filter(c -> c.fileName().equals(file)).findFirst().orElseThrow().defaultPart();
        assertEquals(expected, found);
    }

    static Stream<Arguments> senders() {
        Set<String> owner = Set.of(".qmail-list-owner");
        Set<String> verp = Set.of(".qmail-list-owner", ".qmail-list-owner-default");
        return Stream.of(
                Arguments.of("DQ-33 no -owner file: the sender is kept", "a@b.c", Set.of(), "a@b.c"),
                Arguments.of("DQ-33 BNC-20 -owner: bounces go to local-owner@host", "a@b.c", owner,
                        "joe-list-owner@example.com"),
                Arguments.of("DQ-33 VERP-04 -owner and -owner-default: a VERP sender", "a@b.c", verp,
                        "joe-list-owner-@example.com-@[]"),
                Arguments.of("DQ-33 a bounce keeps <>", "", verp, ""),
                Arguments.of("DQ-33 a double bounce keeps #@[]", "#@[]", verp, "#@[]"),
                Arguments.of("DQ-33 -owner-default alone does nothing", "a@b.c",
                        Set.of(".qmail-list-owner-default"), "a@b.c"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("senders")
    void newSender(String rule, String sender, Set<String> files, String expected) {
        assertEquals(expected, NewSender.of(sender, "joe-list", "example.com", "-", "list", files::contains));
    }

    @Test
    void dq33UsesTheSafeExtOfTheAddress() {
        assertEquals("joe-P.Q-owner@example.com",
                NewSender.of("a@b.c", "joe-P.Q", "example.com", "-", "P.Q", Set.of(".qmail-p:q-owner")::contains));
    }

    static Stream<Arguments> exits() {
        return Stream.of(
                Arguments.of(0, ProgramExit.SUCCESS), Arguments.of(99, ProgramExit.SUCCESS_STOP),
                Arguments.of(100, ProgramExit.PERMANENT), Arguments.of(111, ProgramExit.TEMPORARY),
                Arguments.of(64, ProgramExit.PERMANENT), Arguments.of(65, ProgramExit.PERMANENT),
                Arguments.of(70, ProgramExit.PERMANENT), Arguments.of(76, ProgramExit.PERMANENT),
                Arguments.of(77, ProgramExit.PERMANENT), Arguments.of(78, ProgramExit.PERMANENT),
                Arguments.of(112, ProgramExit.PERMANENT), Arguments.of(1, ProgramExit.TEMPORARY),
                Arguments.of(63, ProgramExit.TEMPORARY), Arguments.of(66, ProgramExit.TEMPORARY),
                Arguments.of(75, ProgramExit.TEMPORARY), Arguments.of(98, ProgramExit.TEMPORARY),
                Arguments.of(101, ProgramExit.TEMPORARY), Arguments.of(137, ProgramExit.TEMPORARY));
    }

    @ParameterizedTest(name = "DQ-31 exit {0} is {1}")
    @MethodSource("exits")
    void programExit(int code, ProgramExit meaning) {
        assertEquals(meaning, ProgramExit.of(code));
    }

    @Test
    void dq32ProgramEnvironment() {
        Map<String, String> env = ProgramEnvironment.of(new ProgramEnvironment.Delivery("joe", "/home/joe",
                "joe-list-Bob", "list-Bob", "mail.example.co.uk", "a@b.c", "joe-list-owner@mail.example.co.uk",
                Optional.of("Bob"), "DT\n", "RP\n", "UF\n"));
        assertEquals("mail.example.co.uk", env.get("HOST"));
        assertEquals(List.of("mail.example.co", "mail.example", "mail"),
                List.of(env.get("HOST2"), env.get("HOST3"), env.get("HOST4")));
        assertEquals("joe-list-Bob@mail.example.co.uk", env.get("RECIPIENT"));
        assertEquals(List.of("list-Bob", "Bob", "", ""),
                List.of(env.get("EXT"), env.get("EXT2"), env.get("EXT3"), env.get("EXT4")));
        assertEquals(List.of("joe", "/home/joe", "joe-list-Bob", "a@b.c", "joe-list-owner@mail.example.co.uk", "Bob"),
                List.of(env.get("USER"), env.get("HOME"), env.get("LOCAL"), env.get("SENDER"), env.get("NEWSENDER"),
                        env.get("DEFAULT")));
        assertEquals(List.of("DT\n", "RP\n", "UF\n"), List.of(env.get("DTLINE"), env.get("RPLINE"), env.get("UFLINE")));
    }

    @Test
    void dq32HostShrinkingStopsWithoutDotsAndDefaultIsOnlySetWhenMatched() {
        Map<String, String> env = ProgramEnvironment.of(new ProgramEnvironment.Delivery("u", "/h", "u", "a-b-c-d-e",
                "example.com", "", "", Optional.empty(), "", "", ""));
        assertEquals(List.of("example", "example", "example"),
                List.of(env.get("HOST2"), env.get("HOST3"), env.get("HOST4")));
        assertEquals(List.of("b-c-d-e", "c-d-e", "d-e"), List.of(env.get("EXT2"), env.get("EXT3"), env.get("EXT4")));
        assertEquals(false, env.containsKey("DEFAULT"));
    }

    static Stream<Arguments> lines() {
        Instant t = Instant.parse("2024-01-03T04:05:06Z");
        return Stream.of(
                Arguments.of("FMT-01 Return-Path", DeliveryLines.rpline("a@b.c"), "Return-Path: <a@b.c>\n"),
                Arguments.of("FMT-01 a bounce", DeliveryLines.rpline(""), "Return-Path: <>\n"),
                Arguments.of("FMT-01 ADDR-03 a local part with a space is quoted",
                        DeliveryLines.rpline("a b@c.d"), "Return-Path: <\"a b\"@c.d>\n"),
                Arguments.of("FMT-01 ADDR-03 a leading dot is quoted", DeliveryLines.rpline(".a@c.d"),
                        "Return-Path: <\".a\"@c.d>\n"),
                Arguments.of("FMT-01 ADDR-03 .. is quoted", DeliveryLines.rpline("a..b@c.d"),
                        "Return-Path: <\"a..b\"@c.d>\n"),
                Arguments.of("FMT-01 ADDR-03 #@[] needs no quotes",
                        DeliveryLines.rpline("#@[]"), "Return-Path: <#@[]>\n"),
                Arguments.of("FMT-01 a newline becomes _", DeliveryLines.rpline("a\nb@c.d"),
                        "Return-Path: <\"a\\_b\"@c.d>\n"),
                Arguments.of("FMT-02 Delivered-To", DeliveryLines.dtline("joe-list@example.com"),
                        "Delivered-To: joe-list@example.com\n"),
                Arguments.of("FMT-02 a newline becomes _", DeliveryLines.dtline("a\nb@c.d"),
                        "Delivered-To: a_b@c.d\n"),
                Arguments.of("FMT-03 From_ line, zero-padded day, GMT", DeliveryLines.ufline("a@b.c", t),
                        "From a@b.c Wed Jan 03 04:05:06 2024\n"),
                Arguments.of("FMT-03 blanks become -", DeliveryLines.ufline("a b\tc\nd@e", t),
                        "From a-b-c-d@e Wed Jan 03 04:05:06 2024\n"),
                Arguments.of("FMT-03 the empty sender is MAILER-DAEMON", DeliveryLines.ufline("", t),
                        "From MAILER-DAEMON Wed Jan 03 04:05:06 2024\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lines")
    void addedLines(String rule, String actual, String expected) {
        assertEquals(expected, actual);
    }
}
