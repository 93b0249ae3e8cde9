package dev.quail.engine.lists;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.engine.delivery.Outcome;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EZ-22..24, EZ-50: refusals, numbering and archive, the batched VERP fan-out and its retries. */
class ListPostingTest {
    private static final String POST = "Received: from x\nFrom: a@far.test\nSubject: hi\n"
            + "List-Unsubscribe: <mailto:forged@evil.test>\n\nbody\n";

    @TempDir
    Path home;
    final Outbox outbox = new Outbox();

    private MailingList list(boolean subscribersOnly, int members) throws IOException {
        MailingList l = Lists.of(home).create(ListAddress.parse("news@lists.test").orElseThrow(),
                Optional.empty(), false, subscribersOnly);
        List<String> m = new ArrayList<>();
        for (int i = 0; i < members; i++) m.add("m" + i + "@far.test");
        l.subscribe(m, "+");
        return l;
    }

    private Outcome post(MailingList l, String id, String sender, String message) throws IOException {
        Moderation moderation = new Moderation(outbox, Instant.now(), "postmaster@lists.test");
        return new Distribution(outbox, moderation).post(l, id, sender,
                new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void aPostIsNumberedArchivedWithTheListFieldsAndQueuedInOneBatchOf1000() throws IOException {
        MailingList l = list(false, Distribution.BATCH);
        assertInstanceOf(Outcome.Success.class, post(l, "q1", "a@far.test", POST));
        assertEquals(1, outbox.sent.size());
        Outbox.Sent s = outbox.last();
        assertEquals("news-return-1-@lists.test-@[]", s.sender());
        assertEquals(Distribution.BATCH, s.recipients().size());
        assertTrue(s.message().startsWith("Mailing-List: contact news-help@lists.test; run by Quail\n"
                + "List-Id: <news.lists.test>\nList-Post: <mailto:news@lists.test>\n"
                + "List-Help: <mailto:news-help@lists.test>\nList-Subscribe: <mailto:news-subscribe@lists.test>\n"
                + "Precedence: list\nDelivered-To: mailing list news@lists.test\nReceived: from x\n"), s.message());
        assertFalse(s.message().contains("forged@evil.test"), "the poster's List-Unsubscribe is removed");
        assertTrue(s.message().endsWith("\n\nbody\n"));
        assertEquals(s.message(), Files.readString(l.archive(1)));
        assertEquals(1, l.lastNumber());
        assertInstanceOf(Outcome.Success.class, post(l, "q2", "a@far.test", POST));
        assertEquals("news-return-2-@lists.test-@[]", outbox.last().sender());
        assertTrue(Files.exists(l.dir().resolve("archive/0/02")));
    }

    @Test
    void oneMemberMoreThanABatchIsASecondQueuedMessage() throws IOException {
        MailingList l = list(false, Distribution.BATCH + 1);
        post(l, "q1", "a@far.test", POST);
        assertEquals(List.of(Distribution.BATCH, 1), outbox.sent.stream().map(s -> s.recipients().size()).toList());
    }

    @Test
    void aRetryAfterTheQueueRefusedABatchKeepsTheNumberAndGoesOnWhereItStopped() throws IOException {
        MailingList l = list(false, 2 * Distribution.BATCH + 1);
        outbox.accepting = 1;
        assertInstanceOf(Outcome.Deferral.class, post(l, "q1", "a@far.test", POST));
        outbox.accepting = Integer.MAX_VALUE;
        assertInstanceOf(Outcome.Success.class, post(l, "q1", "a@far.test", POST));
        assertEquals(3, outbox.sent.size());
        Set<String> reached = new HashSet<>();
        int total = 0;
        for (Outbox.Sent s : outbox.sent) {
            assertEquals("news-return-1-@lists.test-@[]", s.sender());
            reached.addAll(s.recipients());
            total += s.recipients().size();
        }
        assertEquals(2 * Distribution.BATCH + 1, reached.size());
        assertEquals(reached.size(), total, "nobody got it twice");
        assertEquals(1, l.lastNumber());
        assertFalse(Files.exists(l.dir().resolve("sending/q1")));
    }

    @Test
    void loopsBouncesAndNonMembersOfASubscribersOnlyListAreRefused() throws IOException {
        MailingList l = list(true, 1);
        assertEquals("This message is looping: it already has my Delivered-To line. (#5.4.6)",
                post(l, "q1", "m0@far.test", "Delivered-To: Mailing List news@lists.test\n\nx\n").report());
        assertTrue(post(l, "q2", "m0@far.test", "Mailing-List: contact news-help@lists.test; run by Quail\n\nx\n")
                .report().contains("Mailing-List"));
        assertTrue(post(l, "q3", "", POST).report().contains("bounce"));
        assertTrue(post(l, "q4", "#@[]", POST).report().contains("bounce"));
        Outcome stranger = post(l, "q5", "stranger@far.test", POST);
        assertInstanceOf(Outcome.Failure.class, stranger);
        assertTrue(stranger.report().contains("#5.7.2"));
        assertEquals(0, outbox.sent.size());
        assertEquals(0, l.lastNumber());
        assertInstanceOf(Outcome.Success.class, post(l, "q6", "M0@far.test", POST));
        assertInstanceOf(Outcome.Success.class, post(l, "q7", "m0@far.test",
                "Delivered-To: mailing list other@lists.test\n\nanother list's post is fine\n"));
    }

    @Test
    void aHeaderOverItsLimitIsRefusedNotBuffered() throws IOException {
        MailingList l = list(false, 1);
        String big = "X-Big: " + "x".repeat(PostHeader.MAX_BYTES) + "\n\nbody\n";
        Outcome o = post(l, "q1", "a@far.test", big);
        assertInstanceOf(Outcome.Failure.class, o);
        assertTrue(o.report().contains("#5.3.4"));
        String justUnder = "X-Big: " + "x".repeat(PostHeader.MAX_BYTES - 10) + "\n\n";
        assertInstanceOf(Outcome.Success.class, post(l, "q2", "a@far.test", justUnder));
    }

    @Test
    void eachMemberGetsTheirOwnUnsubscribeFieldsWhichOneClickAcceptsAndAForgeryDoesNot() throws IOException {
        MailingList l = list(false, 2);
        Lists lists = Lists.of(home);
        UnsubscribeFields fields = new UnsubscribeFields(lists);
        String sender = "news-return-1-m0=far.test@lists.test";
        String f = new String(fields.fields(sender, List.of("m0@far.test")).orElseThrow(), StandardCharsets.UTF_8);
        assertTrue(f.startsWith("List-Unsubscribe: <https://lists.test/lists/news@lists.test/unsubscribe/"), f);
        assertTrue(f.endsWith(",\n <mailto:news-unsubscribe-m0=far.test@lists.test>\n"
                + "List-Unsubscribe-Post: List-Unsubscribe=One-Click\n"), f);
        assertFalse(fields.fields(sender, List.of("m1@far.test")).isPresent(), "another member's return path");
        assertFalse(fields.fields(sender, List.of("m0@far.test", "m1@far.test")).isPresent());
        assertFalse(fields.fields("someone@far.test", List.of("m0@far.test")).isPresent());

        String[] parts = f.substring(f.indexOf("/unsubscribe/") + 13, f.indexOf('>')).split("/");
        OneClick oneClick = new OneClick(lists);
        String forged = parts[1].substring(0, 31) + (parts[1].charAt(31) == 'a' ? 'b' : 'a');
        assertFalse(oneClick.check("news@lists.test", parts[0], forged).isPresent());
        assertFalse(oneClick.check("news@lists.test", "bTFAZmFyLnRlc3Q", parts[1]).isPresent(), "m1's address");
        assertFalse(oneClick.check("news@lists.test", "!!", parts[1]).isPresent());
        assertFalse(oneClick.check("../x@lists.test", parts[0], parts[1]).isPresent());
        OneClick.Link link = oneClick.check("news@lists.test", parts[0], parts[1]).orElseThrow();
        assertTrue(oneClick.unsubscribe(link));
        assertFalse(oneClick.unsubscribe(link), "twice is harmless");
        assertFalse(l.subscribers().contains("m0@far.test"));
        assertTrue(l.subscribers().contains("m1@far.test"));
    }
}
