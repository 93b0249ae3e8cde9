/*
 * QmtpSessionTest: qmail-qmtpd's dialogue (QMTP-01..06) against the pure session.
 */
package dev.quail.protocols.qmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.protocols.smtp.Deadlines;
import dev.quail.protocols.smtp.QueueResult;
import dev.quail.protocols.smtp.TestClock;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class QmtpSessionTest {
    static final Instant NOW = Instant.parse("2024-03-05T04:06:07Z");
    static final String RECEIVED =
            "Received: from unknown ([192.0.2.7])\n  by mx.example.org with QMTP; 5 Mar 2024 04:06:07 -0000\n";

    private static final Deadlines.Timing TIMING =
            new Deadlines.Timing(Duration.ofSeconds(30), Duration.ofSeconds(10), 1024, Duration.ofHours(1));
    private final TestClock clock = new TestClock(NOW);

    private QmtpSession session(long databytes, int maxRecipients) {
        return new QmtpSession(new QmtpPolicy("mx.example.org", databytes,
                r -> r.toLowerCase().endsWith("@example.org") || r.indexOf('@') < 0, maxRecipients, () -> false),
                "192.0.2.7", TIMING, clock);
    }

    private QmtpSession session() {
        return session(0, 100);
    }

    static byte[] pkg(String message, String sender, String... recipients) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (String r : recipients) Netstrings.write(list, r.getBytes(StandardCharsets.ISO_8859_1));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Netstrings.write(out, message.getBytes(StandardCharsets.ISO_8859_1));
        Netstrings.write(out, sender.getBytes(StandardCharsets.ISO_8859_1));
        Netstrings.write(out, list.toByteArray());
        return out.toByteArray();
    }

    private final Edge edge = new Edge();

    /** The outputs of the whole input, without their Stores (gathered by the edge). */
    private List<QmtpOutput> feed(NetstringSession s, byte[] bytes) {
        return edge.take(s.receive(bytes, 0, bytes.length));
    }

    private List<QmtpOutput> queued(NetstringSession s, QueueResult result) {
        return edge.take(s.queued(result));
    }

    /** The reply netstrings' contents, in order. */
    static List<String> answers(List<QmtpOutput> outputs) {
        List<String> texts = new ArrayList<>();
        for (QmtpOutput o : outputs) {
            if (!(o instanceof QmtpOutput.Reply reply)) continue;
            String s = new String(reply.bytes(), StandardCharsets.ISO_8859_1);
            while (!s.isEmpty()) {
                int colon = s.indexOf(':');
                int n = Integer.parseInt(s.substring(0, colon));
                texts.add(s.substring(colon + 1, colon + 1 + n));
                assertEquals(',', s.charAt(colon + 1 + n));
                s = s.substring(colon + 2 + n);
            }
        }
        return texts;
    }

    @Test
    void qmtp01_to_04_a_package_is_queued_and_every_recipient_hears_k() {
        QmtpSession s = session();
        List<QmtpOutput> out = feed(s, pkg("\nSubject: hi\n\nbody\n", "a@sender.test", "bob@example.org", "carol"));
        QmtpOutput.Submit submit = assertInstanceOf(QmtpOutput.Submit.class, out.get(0));
        assertEquals(1, out.size());
        assertEquals("a@sender.test", submit.sender());
        assertEquals(List.of("bob@example.org", "carol"), submit.recipients());
        assertEquals(RECEIVED + "Subject: hi\n\nbody\n", edge.lastMessage());
        assertEquals(List.of("Kok " + NOW.getEpochSecond() + " qp 42", "Kok " + NOW.getEpochSecond() + " qp 42"),
                answers(queued(s, new QueueResult.Queued("42"))));
    }

    @Test
    void qmtp04_queue_failures_carry_the_queues_text_as_z_or_d() {
        QmtpSession s = session();
        feed(s, pkg("\nx\n", "", "bob@example.org"));
        assertEquals(List.of("Zqq timeout (#4.3.0)"),
                answers(queued(s, new QueueResult.Temporary("4.3.0 qq timeout (#4.3.0)"))));
        feed(s, pkg("\nx\n", "", "bob@example.org"));
        assertEquals(List.of("Dpermanent trouble (#5.3.0)"),
                answers(queued(s, new QueueResult.Permanent("5.3.0 permanent trouble (#5.3.0)"))));
    }

    @Test
    void qmtp03_crlf_encoding_is_stored_with_lf() {
        QmtpSession s = session();
        assertInstanceOf(QmtpOutput.Submit.class, feed(s, pkg("\rA: b\r\n\r\nc\rd\r\n", "", "x@example.org")).get(0));
        assertEquals(RECEIVED + "A: b\n\nc\rd\n", edge.lastMessage());
    }

    @Test
    void qmtp02_03_an_empty_message_or_an_unknown_encoding_ends_the_connection() {
        assertEquals(List.of(new QmtpOutput.Close("empty QMTP message")),
                feed(session(), pkg("", "", "x@example.org")));
        assertEquals(List.of(new QmtpOutput.Discard(), new QmtpOutput.Close("unknown QMTP message encoding")),
                feed(session(), pkg("Xhello\n", "", "x@example.org")));
    }

    @Test
    void qmtp05_rcpthosts_and_bad_recipients_get_their_own_d_and_the_rest_is_queued() {
        QmtpSession s = session();
        String long999 = "a".repeat(987) + "@example.org";
        String long1000 = "a".repeat(988) + "@example.org";
        List<QmtpOutput> out = feed(s, pkg("\nx\n", "", "bob@example.org", "victim@elsewhere.test", long999,
                long1000, "nul\0@example.org"));
        assertEquals(List.of("bob@example.org", long999), ((QmtpOutput.Submit) out.get(0)).recipients());
        assertEquals(List.of("Kok " + NOW.getEpochSecond() + " qp 7",
                "Dsorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)",
                "Kok " + NOW.getEpochSecond() + " qp 7",
                "Dsorry, I can't handle that recipient (#5.1.3)",
                "Dsorry, I can't handle that recipient (#5.1.3)"), answers(queued(s, new QueueResult.Queued("7"))));
    }

    @Test
    void qmtp05_no_acceptable_recipient_means_nothing_is_queued() {
        List<QmtpOutput> out = feed(session(), pkg("\nx\n", "", "victim@elsewhere.test"));
        assertEquals(List.of("Dsorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"), answers(out));
        assertEquals(2, out.size());
        assertInstanceOf(QmtpOutput.Discard.class, out.get(0));
        assertEquals(List.of(), edge.messages);
    }

    @Test
    void qmtp05_sender_of_999_bytes_is_accepted_and_of_1000_refused_for_everyone() {
        String s999 = "s".repeat(987) + "@sender.test";
        assertInstanceOf(QmtpOutput.Submit.class, feed(session(), pkg("\nx\n", s999, "bob@example.org")).get(0));
        assertEquals(List.of("Dunacceptable sender (#5.1.7)", "Dunacceptable sender (#5.1.7)"),
                answers(feed(session(), pkg("\nx\n", s999 + "s", "bob@example.org", "carol@example.org"))));
        assertEquals(List.of("Dunacceptable sender (#5.1.7)"),
                answers(feed(session(), pkg("\nx\n", "a\0b", "bob@example.org"))));
    }

    @Test
    void an_address_with_a_control_character_is_refused_crlf_above_all() {
        String injected = "x\r\nRCPT TO:<victim@external.example>\r\nX@example.org";
        assertEquals(List.of("Dunacceptable sender (#5.1.7)"),
                answers(feed(session(), pkg("\nx\n", injected, "bob@example.org"))));
        QmtpSession s = session();
        List<QmtpOutput> out = feed(s, pkg("\nx\n", "a@sender.test", injected, "tab\t@example.org",
                "del\u007f@example.org", "bob@example.org"));
        assertEquals(List.of("bob@example.org"), assertInstanceOf(QmtpOutput.Submit.class, out.get(0)).recipients());
        List<String> answers = answers(queued(s, new QueueResult.Queued("1")));
        assertEquals(List.of("Dsorry, I can't handle that recipient (#5.1.3)",
                "Dsorry, I can't handle that recipient (#5.1.3)", "Dsorry, I can't handle that recipient (#5.1.3)"),
                answers.subList(0, 3));
        assertEquals(4, answers.size());
    }

    @Test
    void qmtp05_databytes_at_its_edge() {
        String tenBytes = "\n123456789\n";
        assertInstanceOf(QmtpOutput.Submit.class, feed(session(10, 100), pkg(tenBytes, "", "bob@example.org")).get(0));
        assertEquals(List.of("Dsorry, that message size exceeds my databytes limit (#5.3.4)",
                        "Dsorry, I can't handle that recipient (#5.1.3)"),
                answers(feed(session(9, 100), pkg(tenBytes, "", "bob@example.org", "x\0"))));
    }

    @Test
    void the_message_is_handed_on_as_it_arrives_and_discarded_once_it_passes_databytes() {
        QmtpSession s = session(200_000, 100);
        byte[] whole = pkg("\n" + "m".repeat(300_000), "", "bob@example.org");
        List<QmtpOutput> first = s.receive(whole, 0, 150_000);
        int stored = 0;
        for (QmtpOutput o : first) stored += assertInstanceOf(QmtpOutput.Store.class, o).piece().length;
        assertEquals(RECEIVED.length() + 150_000 - "300001:\n".length(), stored);
        edge.take(first);
        assertEquals(List.of(new QmtpOutput.Discard()), edge.take(s.receive(whole, 150_000, 100_000)));
        assertEquals(List.of("Dsorry, that message size exceeds my databytes limit (#5.3.4)"),
                answers(edge.take(s.receive(whole, 250_000, whole.length - 250_000))));
    }

    @Test
    void recipients_beyond_the_policys_maximum_hear_z() {
        QmtpSession s = session(0, 2);
        List<QmtpOutput> out = feed(s, pkg("\nx\n", "", "a@example.org", "b@example.org", "c@example.org"));
        assertEquals(List.of("a@example.org", "b@example.org"), ((QmtpOutput.Submit) out.get(0)).recipients());
        assertEquals("Zsorry, too many recipients (#4.5.3)", answers(queued(s, new QueueResult.Queued("1"))).get(2));
    }

    @Test
    void a_package_may_list_max_listed_recipients_and_not_one_more() {
        String[] atLimit = new String[QmtpSession.MAX_LISTED];
        Arrays.fill(atLimit, "x@elsewhere.test");
        assertEquals(QmtpSession.MAX_LISTED, answers(feed(session(), pkg("\nx\n", "", atLimit))).size());
        String[] over = Arrays.copyOf(atLimit, QmtpSession.MAX_LISTED + 1);
        over[QmtpSession.MAX_LISTED] = "x@elsewhere.test";
        List<QmtpOutput> out = feed(session(), pkg("\nx\n", "", over));
        assertEquals(List.of(QmtpOutput.Discard.class, QmtpOutput.Close.class),
                out.stream().map(Object::getClass).toList());
    }

    @Test
    void qmtp01_packages_back_to_back_are_answered_in_order_even_while_one_is_queued() {
        QmtpSession s = session();
        byte[] one = pkg("\none\n", "", "bob@example.org");
        byte[] two = pkg("\ntwo\n", "", "victim@elsewhere.test");
        byte[] three = pkg("\nthree\n", "", "carol@example.org");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(one);
        all.writeBytes(two);
        all.writeBytes(three);
        byte[] bytes = all.toByteArray();
        List<QmtpOutput> first = edge.take(s.receive(bytes, 0, 5));
        assertTrue(first.isEmpty(), "nothing is answered before a package's last byte");
        first = edge.take(s.receive(bytes, 5, bytes.length - 5));
        assertEquals(1, first.size());
        List<QmtpOutput> next = queued(s, new QueueResult.Queued("1"));
        assertEquals(List.of("Kok " + NOW.getEpochSecond() + " qp 1",
                "Dsorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"), answers(next));
        assertInstanceOf(QmtpOutput.Submit.class, next.get(next.size() - 1));
        assertTrue(edge.lastMessage().endsWith("three\n"));
        assertEquals(List.of("Kok " + NOW.getEpochSecond() + " qp 3"), answers(queued(s, new QueueResult.Queued("3"))));
    }

    @Test
    void a_silent_connection_is_closed_after_the_idle_time_and_sooner_under_stress() {
        QmtpSession s = session();
        clock.advance(Duration.ofSeconds(29));
        assertEquals(List.of(), s.tick(false));
        assertEquals(List.of(new QmtpOutput.Close("timeout")), s.tick(true));
    }

    @Test
    void a_package_dripped_one_byte_every_5_seconds_is_discarded_and_the_connection_closed() {
        QmtpSession s = session();
        byte[] whole = pkg("\nSubject: drip\n\nslow\n", "", "bob@example.org");
        List<QmtpOutput> heard = List.of();
        int at = 0;
        while (heard.stream().noneMatch(QmtpOutput.Close.class::isInstance) && at < whole.length) {
            edge.take(s.receive(whole, at++, 1));
            clock.advance(Duration.ofSeconds(5));
            heard = edge.take(s.tick(false));
        }
        assertEquals(List.of(new QmtpOutput.Discard(), new QmtpOutput.Close("package too slow")), heard);
        assertEquals(6, at);
        assertEquals(List.of(), edge.messages);
    }

    @Test
    void between_packages_a_connection_is_idle_and_may_be_evicted() {
        QmtpSession s = session();
        assertTrue(s.idle());
        feed(s, pkg("\nx\n", "", "bob@example.org"));
        assertFalse(s.idle(), "awaiting the queue");
        queued(s, new QueueResult.Queued("1"));
        assertTrue(s.idle());
        byte[] next = pkg("\nx\n", "", "bob@example.org");
        edge.take(s.receive(next, 0, 4));
        assertFalse(s.idle(), "in the middle of a package");
        assertEquals(List.of(new QmtpOutput.Discard(), new QmtpOutput.Close("closed to make room for a new client")),
                edge.take(s.evict()));
    }

    @Test
    void malformed_input_ends_the_connection_and_nothing_more_is_answered() {
        QmtpSession s = session();
        assertEquals(List.of(new QmtpOutput.Discard(), new QmtpOutput.Close("unknown QMTP message encoding")),
                feed(s, "3:abc;".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(List.of(), feed(s, pkg("\nx\n", "", "bob@example.org")));
    }
}
