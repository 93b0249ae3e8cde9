/*
 * QmtpClientTest: the sending side, against Quail's own QMTP server session (two real ends of the protocol).
 */
package dev.quail.protocols.qmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.protocols.smtp.Deadlines;
import dev.quail.protocols.smtp.QueueResult;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class QmtpClientTest {

    @Test
    void a_package_the_server_reads_and_the_answers_it_gives_back() throws Exception {
        QmtpSession server = new QmtpSession(new QmtpPolicy("mx.example.org", 0,
                r -> r.endsWith("@example.org"), 100, () -> false), "192.0.2.7", Deadlines.Timing.NONE,
                Clock.fixed(QmtpSessionTest.NOW, ZoneOffset.UTC));
        byte[] message = "Subject: s\n\nbody\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] head = QmtpClient.head(message.length);
        byte[] tail = QmtpClient.tail("a@b.test", List.of("x@example.org", "y@other.test"));
        assertEquals("18:\n", new String(head, StandardCharsets.ISO_8859_1));
        Edge edge = new Edge();
        edge.take(server.receive(head, 0, head.length));
        edge.take(server.receive(message, 0, message.length));
        List<QmtpOutput> out = edge.take(server.receive(tail, 0, tail.length));
        QmtpOutput.Submit submit = (QmtpOutput.Submit) out.get(0);
        assertEquals("a@b.test", submit.sender());
        assertTrue(edge.lastMessage().endsWith("\nSubject: s\n\nbody\n"));
        byte[] answers = ((QmtpOutput.Reply) server.queued(new QueueResult.Queued("5")).get(0)).bytes();

        QmtpClient client = new QmtpClient(2);
        assertEquals(List.of(), client.receive(answers, 0, 3));
        List<QmtpClient.Reply> replies = client.receive(answers, 3, answers.length - 3);
        assertTrue(client.complete());
        assertEquals(QmtpClient.Code.K, replies.get(0).code());
        assertEquals("ok " + QmtpSessionTest.NOW.getEpochSecond() + " qp 5", replies.get(0).text());
        assertEquals(new QmtpClient.Reply(QmtpClient.Code.D,
                "sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)"), replies.get(1));
    }

    @Test
    void answers_that_are_not_k_z_or_d_or_too_many_or_too_long_are_protocol_errors() throws Exception {
        byte[] z = Netstrings.encode("Ztry later");
        QmtpClient one = new QmtpClient(1);
        assertFalse(one.complete());
        assertEquals(QmtpClient.Code.Z, one.receive(z, 0, z.length).get(0).code());
        assertThrows(NetstringException.class, () -> one.receive(z, 0, z.length));
        byte[] x = Netstrings.encode("Xwhat");
        assertThrows(NetstringException.class, () -> new QmtpClient(1).receive(x, 0, x.length));
        byte[] atLimit = Netstrings.encode("K" + "o".repeat(QmtpClient.MAX_REPLY - 1));
        assertEquals(1, new QmtpClient(1).receive(atLimit, 0, atLimit.length).size());
        byte[] over = Netstrings.encode("K" + "o".repeat(QmtpClient.MAX_REPLY));
        assertThrows(NetstringException.class, () -> new QmtpClient(1).receive(over, 0, over.length));
    }
}
