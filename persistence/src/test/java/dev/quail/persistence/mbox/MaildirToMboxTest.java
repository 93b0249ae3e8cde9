/*
 * MaildirToMbox (M2MBOX-01): oldest first, From_ lines from Return-Path, the old mbox kept in front,
 * maildir files removed only after the rename, nothing to do ⇒ nothing touched, stale tmp files cleaned.
 */
package dev.quail.persistence.mbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.persistence.maildir.Maildir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MaildirToMboxTest {
    @TempDir
    Path dir;

    private Path put(Path maildir, String sub, String name, String text, String when) throws IOException {
        Path f = Files.writeString(maildir.resolve(sub).resolve(name), text, StandardCharsets.ISO_8859_1);
        Files.setLastModifiedTime(f, FileTime.from(Instant.parse(when)));
        return f;
    }

    @Test
    void m2mbox01MovesOldestFirstAfterTheOldMbox() throws IOException {
        Path md = dir.resolve("Maildir");
        Maildir.make(md);
        put(md, "cur", "2.x:2,S", "Return-Path: <>\nSubject: second\n\nFrom body\n", "2024-01-03T04:05:07Z");
        put(md, "new", "1.x", "Return-Path: <a b@c.d>\nSubject: first\n\nhi\n", "2024-01-03T04:05:06Z");
        put(md, "new", "3.x", "Subject: third\n\nno newline", "2024-02-01T00:00:00Z");
        put(md, "new", ".hidden", "ignored\n", "2024-01-01T00:00:00Z");
        Path mbox = Files.writeString(dir.resolve("mbox"), "From old Mon Jan 01 00:00:00 2024\nold\n\n");
        List<String> warnings = new ArrayList<>();
        assertEquals(3, MaildirToMbox.run(md, mbox, dir.resolve("mbox.tmp"), warnings::add));
        assertEquals("From old Mon Jan 01 00:00:00 2024\nold\n\n"
                + "From a-b@c.d Wed Jan 03 04:05:06 2024\nReturn-Path: <a b@c.d>\nSubject: first\n\nhi\n\n"
                + "From MAILER-DAEMON Wed Jan 03 04:05:07 2024\nReturn-Path: <>\nSubject: second\n\n>From body\n\n"
                + "From XXX Thu Feb 01 00:00:00 2024\nSubject: third\n\nno newline\n\n",
                Files.readString(mbox, StandardCharsets.ISO_8859_1));
        assertEquals(List.of(), warnings);
        assertEquals(List.of(".hidden"), names(md.resolve("new")));
        assertEquals(List.of(), names(md.resolve("cur")));
        assertFalse(Files.exists(dir.resolve("mbox.tmp")));
    }

    @Test
    void m2mbox01NothingToDoLeavesTheMboxAlone() throws IOException {
        Path md = dir.resolve("Maildir");
        Maildir.make(md);
        Path mbox = dir.resolve("mbox");
        assertEquals(0, MaildirToMbox.run(md, mbox, dir.resolve("mbox.tmp"), w -> { }));
        assertFalse(Files.exists(mbox));
    }

    @Test
    void m2mbox01AMissingMaildirIsAnError() {
        IOException e = assertThrows(IOException.class,
                () -> MaildirToMbox.run(dir.resolve("none"), dir.resolve("mbox"), dir.resolve("t"), w -> { }));
        assertTrue(e.getMessage().startsWith("unable to chdir to $MAILDIR"), e.getMessage());
    }

    @Test
    void md05TmpFilesUnaccessedFor36HoursAreCleaned() throws IOException {
        Path md = dir.resolve("Maildir");
        Maildir.make(md);
        Instant now = Instant.now();
        Path stale = Files.writeString(md.resolve("tmp").resolve("stale"), "x");
        Path fresh = Files.writeString(md.resolve("tmp").resolve("fresh"), "x");
        Files.setAttribute(stale, "lastAccessTime", FileTime.from(now.minusSeconds(36 * 3600 + 60)));
        Files.setAttribute(fresh, "lastAccessTime", FileTime.from(now.minusSeconds(36 * 3600 - 60)));
        MaildirToMbox.run(md, dir.resolve("mbox"), dir.resolve("mbox.tmp"), w -> { });
        assertEquals(List.of("fresh"), names(md.resolve("tmp")));
    }

    static Stream<Arguments> fromLines() {
        return Stream.of(
                Arguments.of("Return-Path: <a@b.c>\n", "a@b.c"),
                Arguments.of("Return-Path: <>\n", ""),
                Arguments.of("Return-path: <a@b.c>\n", "XXX"),
                Arguments.of("Subject: x\n", "XXX"),
                Arguments.of("Return-Path: <a@b.c>", "XXX"),
                Arguments.of("", "XXX"));
    }

    @ParameterizedTest(name = "M2MBOX-01 From_ sender of {0}")
    @MethodSource("fromLines")
    void fromLine(String message, String sender) {
        assertEquals(sender, MaildirToMbox.fromOf(message.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
