package dev.quail.engine.lists;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.engine.delivery.Outcome;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EZ-10..17: command addresses, confirmation cookies and who an answer goes to. */
class ListCommandsTest {
    private static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
    private static final Pattern REPLY_TO = Pattern.compile("(?m)^Reply-To: news-(.*)@lists\\.test$");

    @TempDir
    Path home;
    final Outbox outbox = new Outbox();

    private MailingList list() throws IOException {
        return Lists.of(home).create(ListAddress.parse("news@lists.test").orElseThrow(), Optional.empty(),
                false, false);
    }

    private Outcome mail(MailingList l, String extension, String sender, String header, Instant now)
            throws IOException {
        return new Commands(outbox, now).answer(l, extension, sender,
                new ByteArrayInputStream((header + "\nbody\n").getBytes(StandardCharsets.UTF_8)));
    }

    private String confirmExtension() {
        Matcher m = REPLY_TO.matcher(outbox.last().message());
        assertTrue(m.find(), outbox.last().message());
        return m.group(1);
    }

    @Test
    void subscribingTakesAConfirmationFromTheTargetAndAForgedOneOnlyGetsAFreshRequest() throws IOException {
        MailingList l = list();
        mail(l, "subscribe-carol=far.test", "mallory@evil.test", "Subject: x\n", NOW);
        assertEquals(List.of("carol@far.test"), outbox.last().recipients(), "the request goes to the target");
        assertEquals("news-return-@lists.test", outbox.last().sender());
        String confirm = confirmExtension();
        assertTrue(confirm.matches("sc\\.1800000000\\.[a-p]{20}-carol=far\\.test"), confirm);
        String forged = confirm.replaceFirst("\\.([a-p])", "." + (confirm.charAt(14) == 'a' ? "b" : "a"));
        mail(l, forged, "carol@far.test", "Subject: Re\n", NOW);
        assertTrue(outbox.last().message().contains("not valid or has expired"));
        assertFalse(l.subscribers().contains("carol@far.test"));
        String asUnsubscribe = "u" + confirm.substring(1);
        mail(l, asUnsubscribe, "carol@far.test", "Subject: Re\n", NOW);
        assertFalse(l.subscribers().contains("carol@far.test"), "a subscribe cookie is no unsubscribe cookie");
        mail(l, confirm, "anyone@far.test", "Subject: Re\n", NOW.plusSeconds(Commands.COOKIE_LIFE.toSeconds()));
        assertTrue(l.subscribers().contains("carol@far.test"), "good to the last second");
        assertTrue(outbox.last().message().contains("Subject: WELCOME to news@lists.test"));
        assertEquals(List.of("carol@far.test"), outbox.last().recipients());
    }

    @Test
    void anExpiredOrFutureCookieGetsAFreshRequest() throws IOException {
        MailingList l = list();
        mail(l, "subscribe", "carol@far.test", "Subject: x\n", NOW);
        String confirm = confirmExtension();
        mail(l, confirm, "carol@far.test", "", NOW.plusSeconds(Commands.COOKIE_LIFE.toSeconds() + 1));
        assertTrue(outbox.last().message().contains("not valid or has expired"));
        mail(l, confirm, "carol@far.test", "", NOW.minusSeconds(1));
        assertTrue(outbox.last().message().contains("not valid or has expired"));
        assertFalse(l.subscribers().contains("carol@far.test"));
    }

    @Test
    void unsubscribingIsConfirmedTooAndSaysGoodbye() throws IOException {
        MailingList l = list();
        l.subscribe(List.of("carol@far.test"), "+");
        mail(l, "subscribe", "carol@far.test", "", NOW);
        assertTrue(outbox.last().message().contains("already subscribed"));
        mail(l, "UNSUBSCRIBE", "carol@far.test", "", NOW);
        mail(l, confirmExtension(), "carol@far.test", "", NOW);
        assertFalse(l.subscribers().contains("carol@far.test"));
        assertTrue(outbox.last().message().contains("GOODBYE"));
        mail(l, "unsubscribe", "carol@far.test", "", NOW);
        assertTrue(outbox.last().message().contains("not subscribed"));
    }

    @Test
    void bouncesListTrafficAndItsOwnRepliesAreNeverAnswered() throws IOException {
        MailingList l = list();
        assertTrue(mail(l, "subscribe", "", "", NOW).report().startsWith("Dropped"));
        assertTrue(mail(l, "subscribe", "#@[]", "", NOW).report().startsWith("Dropped"));
        assertTrue(mail(l, "help", "x@far.test", "Mailing-List: contact other-help@x.test\n", NOW).report()
                .startsWith("Dropped"));
        assertTrue(mail(l, "help", "x@far.test", "Delivered-To: responder for news@lists.test\n", NOW).report()
                .startsWith("Dropped"));
        assertTrue(mail(l, "subscribe-not an address", "x@far.test", "", NOW).report().startsWith("Dropped"));
        assertEquals(0, outbox.sent.size());
        mail(l, "anything-else", "x@far.test", "", NOW);
        assertTrue(outbox.last().message().contains("Subject: help for news@lists.test"));
        assertTrue(outbox.last().message().contains("Delivered-To: responder for news@lists.test"));
    }

    @Test
    void getNSendsThePostFromTheArchiveAndSaysSoWhenThereIsNone() throws IOException {
        MailingList l = list();
        java.nio.file.Files.createDirectories(l.archive(1).getParent());
        java.nio.file.Files.writeString(l.archive(1), "Subject: the first post\n\nhello\n");
        for (String get : List.of("get.1", "GET-1", "get_1", "get1")) {
            mail(l, get, "x@far.test", "", NOW);
            assertTrue(outbox.last().message().contains("Content-Type: message/rfc822\n\nSubject: the first post\n"
                    + "\nhello\n\n--quail-"), get);
            assertEquals(List.of("x@far.test"), outbox.last().recipients());
        }
        mail(l, "get.2", "x@far.test", "", NOW);
        assertTrue(outbox.last().message().contains("There is no post 2"));
        mail(l, "get.0", "x@far.test", "", NOW);
        assertTrue(outbox.last().message().contains("There is no post 0"));
    }

    @Test
    void aListsOwnTextFilesReplaceTheHelpWelcomeAndGoodbye() throws IOException {
        MailingList l = list();
        java.nio.file.Path text = l.dir().resolve("text");
        java.nio.file.Files.createDirectories(text);
        java.nio.file.Files.writeString(text.resolve("help"), "Write to <#l#>-owner@<#h#>, <#A#>.\n");
        java.nio.file.Files.writeString(text.resolve("sub-ok"), "Hello <#A#>!\n");
        mail(l, "help", "x@far.test", "", NOW);
        assertTrue(outbox.last().message().endsWith("\n\nWrite to news-owner@lists.test, x@far.test.\n"));
        mail(l, "subscribe", "carol@far.test", "", NOW);
        mail(l, confirmExtension(), "carol@far.test", "", NOW);
        assertTrue(outbox.last().message().endsWith("\n\nHello carol@far.test!\nWrite to news-owner@lists.test,"
                + " carol@far.test.\n"), outbox.last().message());
        mail(l, "unsubscribe", "carol@far.test", "", NOW);
        mail(l, confirmExtension(), "carol@far.test", "", NOW);
        assertTrue(outbox.last().message().contains("carol@far.test is no longer subscribed"), "the built-in text");
    }
}
