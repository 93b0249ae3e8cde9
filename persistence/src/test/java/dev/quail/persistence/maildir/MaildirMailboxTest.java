/*
 * MaildirMailboxTest: the Maildir as qmail-pop3d reads and commits it (POP-11, POP-15), with other readers moving
 * messages underneath.
 */
package dev.quail.persistence.maildir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaildirMailboxTest {
    @TempDir
    Path root;
    Path maildir;
    MaildirMailbox mailbox;

    @BeforeEach
    void make() throws Exception {
        maildir = root.resolve("Maildir");
        Maildir.make(maildir);
        mailbox = new MaildirMailbox(maildir);
    }

    private Path put(String relative, String content, long epochSecond) throws Exception {
        Path file = maildir.resolve(relative);
        Files.writeString(file, content, StandardCharsets.ISO_8859_1);
        Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(epochSecond)));
        return file;
    }

    private Set<String> files(String sub) throws Exception {
        try (Stream<Path> s = Files.list(maildir.resolve(sub))) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    @Test
    void pop11_scan_lists_new_and_cur_oldest_first_skipping_dot_files_and_directories() throws Exception {
        put("cur/200.b:2,S", "b", 200);
        put("new/100.a", "a", 100);
        put("new/300.c", "c", 300);
        put("new/.hidden", "x", 50);
        Files.createDirectory(maildir.resolve("cur/150.dir"));
        List<MaildirMailbox.Entry> entries = mailbox.scan();
        assertEquals(List.of("new/100.a", "cur/200.b:2,S", "new/300.c"),
                entries.stream().map(MaildirMailbox.Entry::path).toList());
        assertEquals(List.of("100.a", "200.b", "300.c"), entries.stream().map(MaildirMailbox.Entry::unique).toList());
        assertArrayEquals("b".getBytes(StandardCharsets.ISO_8859_1), mailbox.read(entries.get(1)));
    }

    @Test
    void pop11_scan_removes_tmp_files_untouched_for_36_hours_and_keeps_younger_ones() throws Exception {
        Instant now = Instant.now();
        Path old = put("tmp/old", "x", 0);
        Files.setAttribute(old, "lastAccessTime", FileTime.from(now.minus(MaildirMailbox.TMP_AGE).minusSeconds(60)));
        Path young = put("tmp/young", "x", 0);
        Files.setAttribute(young, "lastAccessTime", FileTime.from(now.minus(MaildirMailbox.TMP_AGE).plusSeconds(60)));
        mailbox.scan();
        assertEquals(Set.of("young"), files("tmp"));
    }

    @Test
    void pop15_commit_removes_the_deleted_and_moves_kept_new_messages_to_cur_with_2_comma() throws Exception {
        put("new/1.a", "a", 1);
        put("new/2.b", "b", 2);
        put("cur/3.c:2,S", "c", 3);
        put("cur/4.d:2,", "d", 4);
        List<MaildirMailbox.Entry> e = mailbox.scan();
        put("new/5.late", "delivered during the session", 5);
        assertTrue(mailbox.commit(List.of(e.get(1), e.get(3)), List.of(e.get(0), e.get(2))));
        assertEquals(Set.of("5.late"), files("new"), "a message the session never saw stays new");
        assertEquals(Set.of("1.a:2,", "3.c:2,S"), files("cur"));
    }

    @Test
    void a_message_another_reader_moved_is_still_found_by_its_unique_name() throws Exception {
        put("new/1.a", "a", 1);
        put("new/2.b", "b", 2);
        List<MaildirMailbox.Entry> e = mailbox.scan();
        Files.move(maildir.resolve("new/1.a"), maildir.resolve("cur/1.a:2,S"));
        Files.move(maildir.resolve("new/2.b"), maildir.resolve("cur/2.b:2,RS"));
        assertArrayEquals("a".getBytes(StandardCharsets.ISO_8859_1), mailbox.read(e.get(0)));
        assertTrue(mailbox.commit(List.of(e.get(1)), List.of(e.get(0))));
        assertEquals(Set.of("1.a:2,S"), files("cur"));
    }

    @Test
    void a_message_removed_meanwhile_cannot_be_read_and_counts_as_removed() throws Exception {
        put("new/1.a", "a", 1);
        List<MaildirMailbox.Entry> e = mailbox.scan();
        Files.delete(maildir.resolve("new/1.a"));
        assertThrows(NoSuchFileException.class, () -> mailbox.read(e.get(0)));
        assertTrue(mailbox.commit(List.of(e.get(0)), List.of()));
    }

    @Test
    void a_deletion_that_fails_is_reported() throws Exception {
        put("cur/1.a:2,", "a", 1);
        List<MaildirMailbox.Entry> e = mailbox.scan();
        // Something unlink cannot remove, even for root: a non-empty directory under the message's name.
        Files.delete(maildir.resolve("cur/1.a:2,"));
        Files.createDirectories(maildir.resolve("cur/1.a:2,/inside"));
        assertFalse(mailbox.commit(List.of(e.get(0)), List.of()));
        assertTrue(Files.exists(maildir.resolve("cur/1.a:2,")));
    }
}
