/*
 * MaildirWatchTest: maildirwatch's summary of new mail (MDWATCH-01), in maildirwatch.c's format.
 */
package dev.quail.persistence.maildir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaildirWatchTest {
    @TempDir
    Path root;

    private static String describe(String message) {
        return MaildirWatch.describe(message.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void mdwatch01_sender_recipient_bold_from_line_then_subject_and_body() {
        assertEquals("FROM <alice@example.org> TO <bob@example.org>\n"
                        + "\033[1mFrom: Alice <alice@example.org>\033[0m\n"
                        + "Lunch?//see you at noon/\n\n",
                describe("Return-Path: <alice@example.org>\nDelivered-To: bob@example.org\n"
                        + "From: Alice <alice@example.org>\nSubject:   Lunch?\n\nsee you at noon\n"));
    }

    @Test
    void mdwatch01_missing_fields_give_question_marks_and_no_from_line() {
        assertEquals("FROM ? TO <?>\n/body/\n\n", describe("X-Other: 1\n\nbody\n"));
    }

    @Test
    void mdwatch01_folded_fields_last_addresses_win_and_unprintables_are_replaced() {
        assertEquals("FROM <b?> TO <two>\n\033[1mFrom: x//y\033[0m\nsub//ject//\n\n",
                describe("Delivered-To: one\nDelivered-To: two\nReturn-Path: <b\u00e9>\nFrom: x\n\ty\n"
                        + "Subject: sub\n\tject\n\n"));
    }

    @Test
    void mdwatch01_text_is_cut_at_158_characters() {
        String summary = describe("Subject: s\n\n" + "x".repeat(500) + "\n");
        String text = summary.split("\n")[1];
        assertEquals(158, text.length());
        assertEquals(157, describe("Subject: s\n\n" + "x".repeat(153) + "\n").split("\n")[1].length());
    }

    @Test
    void a_line_that_is_not_a_field_ends_the_header() {
        assertEquals("FROM ? TO <?>\nnot a header/Subject: no/\n\n", describe("not a header\nSubject: no\n"));
    }

    @Test
    void mdwatch01_only_new_messages_oldest_first() throws Exception {
        Path md = root.resolve("Maildir");
        Maildir.make(md);
        Files.writeString(md.resolve("new/2.b"), "Subject: second\n\n");
        Files.setLastModifiedTime(md.resolve("new/2.b"), FileTime.from(Instant.ofEpochSecond(2)));
        Files.writeString(md.resolve("new/1.a"), "Subject: first\n\n");
        Files.setLastModifiedTime(md.resolve("new/1.a"), FileTime.from(Instant.ofEpochSecond(1)));
        Files.writeString(md.resolve("cur/0.z:2,S"), "Subject: seen\n\n");
        assertEquals("FROM ? TO <?>\nfirst//\n\nFROM ? TO <?>\nsecond//\n\n",
                MaildirWatch.summary(new MaildirMailbox(md)));
    }
}
