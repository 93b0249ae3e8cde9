package dev.quail.engine.lists;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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

/** EZ-20, EZ-41: a moderated list holds posts until the owner accepts or rejects them. */
class ListModerationTest {
    private static final Pattern ACCEPT =
            Pattern.compile("(?m)^Reply-To: news-(accept-[0-9.a-z]+\\.[a-p]{20})@lists\\.test$");

    @TempDir
    Path home;
    final Outbox outbox = new Outbox();

    private MailingList list(boolean subscribersOnly) throws IOException {
        MailingList l = Lists.of(home).create(ListAddress.parse("news@lists.test").orElseThrow(),
                Optional.of("boss@lists.test"), true, subscribersOnly);
        l.subscribe(List.of("m@far.test"), "+");
        return l;
    }

    private Outcome deliver(MailingList l, String extension, String sender, String message) {
        return new ListDelivery(outbox, () -> Instant.ofEpochSecond(1_800_000_000L), "postmaster@lists.test")
                .deliver(new Lists.Target(l, extension), "q" + outbox.size(), sender,
                        new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
    }

    private String acceptAddress() {
        Matcher m = ACCEPT.matcher(outbox.last().message());
        assertTrue(m.find(), outbox.last().message());
        return m.group(1);
    }

    @Test
    void aPostWaitsForTheOwnerAndGoesOutOnceAccepted() throws IOException {
        MailingList l = list(false);
        assertTrue(deliver(l, "", "m@far.test", "Subject: held\n\nplease\n").report().startsWith("held"));
        assertEquals(List.of("boss@lists.test"), outbox.last().recipients());
        assertTrue(outbox.last().message().contains("Subject: MODERATE for news@lists.test"));
        assertTrue(outbox.last().message().contains("Content-Type: message/rfc822\n\nSubject: held\n\nplease\n"));
        assertEquals(0, l.lastNumber());
        String accept = acceptAddress();
        String forged = accept.substring(0, accept.length() - 1) + (accept.endsWith("a") ? "b" : "a");
        assertTrue(deliver(l, forged, "boss@lists.test", "\n").report().contains("bad cookie"));
        assertEquals(0, l.lastNumber());
        int before = outbox.size();
        assertInstanceOf(Outcome.Success.class, deliver(l, accept, "boss@lists.test", "\n"));
        assertEquals(1, l.lastNumber());
        assertEquals("news-return-1-@lists.test-@[]", outbox.last().sender());
        assertEquals(List.of("m@far.test"), outbox.last().recipients());
        assertTrue(outbox.last().message().contains("Subject: held\n\nplease\n"));
        assertTrue(deliver(l, accept, "boss@lists.test", "\n").report().contains("already accepted"));
        assertEquals(before + 1, outbox.size(), "a repeated accept sends nothing");
        assertInstanceOf(Outcome.Failure.class, deliver(l, accept.replace("accept-", "reject-"), "boss@lists.test",
                "\n"), "a conflicting decision is refused");
    }

    @Test
    void aRejectedPostIsReturnedToItsPosterWithANote() throws IOException {
        MailingList l = list(false);
        deliver(l, "", "m@far.test", "Subject: no\n\nx\n");
        String reject = acceptAddress().replace("accept-", "REJECT-");
        assertInstanceOf(Outcome.Success.class, deliver(l, reject, "boss@lists.test", "\n"));
        assertEquals(List.of("m@far.test"), outbox.last().recipients());
        assertTrue(outbox.last().message().contains("rejected your post"));
        assertEquals(0, l.lastNumber());
    }

    @Test
    void withSubscribersOnlyMembersPostDirectlyAndOthersWait() throws IOException {
        MailingList l = list(true);
        deliver(l, "", "m@far.test", "Subject: direct\n\nx\n");
        assertEquals(1, l.lastNumber());
        assertTrue(deliver(l, "", "stranger@far.test", "Subject: wait\n\nx\n").report().startsWith("held"));
        assertEquals(1, l.lastNumber());
    }

    @Test
    void aPostNobodyDecidesOnGoesBackToItsPosterAfterModtimeWithinEzmlmsBounds() throws IOException {
        MailingList l = list(false);
        deliver(l, "", "m@far.test", "Subject: slow\n\nx\n");
        String accept = acceptAddress();
        Instant held = Instant.ofEpochSecond(1_800_000_000L);
        int asked = outbox.size();
        new Moderation(outbox, held.plus(Moderation.MODTIME).minusSeconds(1), "").expire(l);
        assertEquals(asked, outbox.size(), "not yet");
        new Moderation(outbox, held.plus(Moderation.MODTIME), "").expire(l);
        assertEquals(List.of("m@far.test"), outbox.last().recipients());
        assertTrue(outbox.last().message().contains("timed out"));
        assertInstanceOf(Outcome.Failure.class, deliver(l, accept, "boss@lists.test", "\n"));
        assertEquals(0, l.lastNumber());
        java.nio.file.Files.writeString(l.dir().resolve("modtime"), "1\n");
        assertEquals(java.time.Duration.ofHours(24), Moderation.modtime(l));
        java.nio.file.Files.writeString(l.dir().resolve("modtime"), "1000\n");
        assertEquals(java.time.Duration.ofHours(240), Moderation.modtime(l));
    }
}
