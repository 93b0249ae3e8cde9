/*
 * QmqpSessionTest: qmail-qmqpd's request and answer (QMQP-01).
 */
package dev.quail.protocols.qmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.quail.protocols.smtp.Deadlines;
import dev.quail.protocols.smtp.QueueResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class QmqpSessionTest {

    private static QmqpSession session() {
        return new QmqpSession("mx.example.org", "192.0.2.7", Deadlines.Timing.NONE,
                Clock.fixed(QmtpSessionTest.NOW, ZoneOffset.UTC));
    }

    private static byte[] request(String message, String sender, String... recipients) {
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        Netstrings.write(inner, message.getBytes(StandardCharsets.ISO_8859_1));
        Netstrings.write(inner, sender.getBytes(StandardCharsets.ISO_8859_1));
        for (String r : recipients) Netstrings.write(inner, r.getBytes(StandardCharsets.ISO_8859_1));
        return Netstrings.encode(inner.toByteArray());
    }

    private final Edge edge = new Edge();

    private List<QmtpOutput> feed(QmqpSession s, byte[] bytes) {
        return edge.take(s.receive(bytes, 0, bytes.length));
    }

    @Test
    void qmqp01_one_message_any_recipients_queued_with_a_qmqp_received_line_then_one_answer_and_close() {
        QmqpSession s = session();
        List<QmtpOutput> out = feed(s, request("Subject: q\n\nbody\n", "a@client.test", "x@anywhere.test",
                "y@elsewhere.test"));
        QmtpOutput.Submit submit = assertInstanceOf(QmtpOutput.Submit.class, out.get(0));
        assertEquals(List.of("x@anywhere.test", "y@elsewhere.test"), submit.recipients());
        assertEquals("Received: from unknown ([192.0.2.7])\n  by mx.example.org with QMQP; 5 Mar 2024 04:06:07 -0000\n"
                + "Subject: q\n\nbody\n", edge.lastMessage());
        List<QmtpOutput> answer = s.queued(new QueueResult.Queued("9"));
        assertEquals(List.of("Kok " + QmtpSessionTest.NOW.getEpochSecond() + " qp 9"),
                QmtpSessionTest.answers(answer));
        assertInstanceOf(QmtpOutput.Close.class, answer.get(1));
    }

    @Test
    void qmqp01_an_address_of_1000_bytes_refuses_the_message_and_999_is_fine() {
        String r999 = "r".repeat(987) + "@example.org";
        assertInstanceOf(QmtpOutput.Submit.class, feed(session(), request("x\n", "", r999)).get(0));
        assertEquals(List.of("Dsorry, I can't accept addresses like that (#5.1.3)"),
                QmtpSessionTest.answers(feed(session(), request("x\n", "", "ok@example.org", r999 + "r"))));
        assertEquals(List.of("Dsorry, I can't accept addresses like that (#5.1.3)"),
                QmtpSessionTest.answers(feed(session(), request("x\n", "a\0b", "ok@example.org"))));
    }

    @Test
    void a_control_character_in_any_address_refuses_the_request() {
        assertEquals(List.of("Dsorry, I can't accept addresses like that (#5.1.3)"),
                QmtpSessionTest.answers(feed(session(), request("x\n", "a\r\nRCPT TO:<v@x.example>", "ok@x.test"))));
        assertEquals(List.of("Dsorry, I can't accept addresses like that (#5.1.3)"),
                QmtpSessionTest.answers(feed(session(), request("x\n", "", "ok@x.test", "b\n@x.test"))));
        assertEquals(List.of(), edge.messages);
    }

    @Test
    void qmqp01_queue_trouble_is_z() {
        QmqpSession s = session();
        feed(s, request("x\n", "", "ok@example.org"));
        assertEquals(List.of("Zqq timeout (#4.3.0)"),
                QmtpSessionTest.answers(s.queued(new QueueResult.Temporary("4.3.0 qq timeout (#4.3.0)"))));
    }

    @Test
    void a_request_without_recipients_is_refused_and_one_without_a_sender_is_malformed() {
        assertEquals(List.of(QmqpSession.NO_RECIPIENTS), QmtpSessionTest.answers(feed(session(), request("x\n", ""))));
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        Netstrings.write(inner, "x\n".getBytes(StandardCharsets.ISO_8859_1));
        List<QmtpOutput> out = feed(session(), Netstrings.encode(inner.toByteArray()));
        assertEquals(List.of(new QmtpOutput.Discard(), new QmtpOutput.Close("QMQP request without message and sender")),
                out);
    }
}
