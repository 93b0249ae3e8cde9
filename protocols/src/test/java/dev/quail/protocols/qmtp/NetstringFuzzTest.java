/*
 * Fuzz-style robustness (seeded, so failures reproduce) of the netstring readers facing the network: QMTP
 * packages and QMQP requests assembled from valid fields, mutated and cut into random chunks, and plain noise.
 * A session must never throw, must either answer or close, and must say nothing after it closed.
 */
package dev.quail.protocols.qmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.protocols.smtp.Deadlines;
import dev.quail.protocols.smtp.QueueResult;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NetstringFuzzTest {

    private static byte[] validPackages(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = random.nextInt(4); i >= 0; i--) {
            String[] recipients = new String[random.nextInt(4)];
            for (int r = 0; r < recipients.length; r++) recipients[r] = "u" + r + "@example.org";
            out.writeBytes(QmtpSessionTest.pkg((random.nextBoolean() ? "\n" : "\r") + "Subject: x\r\n\r\nbody\n",
                    "s@x.test", recipients));
        }
        byte[] bytes = out.toByteArray();
        for (int m = random.nextInt(3); m > 0 && bytes.length > 0; m--) {
            bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    /**
     * Feeds {@code input} in random chunks, answering every Submit, with the edge checking the pieces; returns
     * whether the session closed.
     */
    private static boolean run(Random random, NetstringSession session, byte[] input) {
        Edge edge = new Edge();
        boolean closed = false;
        int at = 0;
        while (at < input.length) {
            int n = Math.min(input.length - at, 1 + random.nextInt(40));
            List<QmtpOutput> out = edge.take(session.receive(input, at, n));
            at += n;
            while (!out.isEmpty()) {
                if (closed) assertEquals(List.of(), out, "nothing after Close");
                List<QmtpOutput> next = List.of();
                for (QmtpOutput o : out) {
                    if (o instanceof QmtpOutput.Close) closed = true;
                    if (o instanceof QmtpOutput.Submit) next = edge.take(session.queued(new QueueResult.Queued("1")));
                }
                out = next;
            }
        }
        return closed;
    }

    @Test
    void mutated_and_random_qmtp_input_never_throws() {
        Random random = new Random(0x9e7);
        int closed = 0;
        for (int round = 0; round < 2000; round++) {
            QmtpSession session = new QmtpSession(new QmtpPolicy("mx.test", random.nextInt(40),
                    r -> r.endsWith("@example.org"), 2, () -> false), "192.0.2.1", Deadlines.Timing.NONE, Clock.systemUTC());
            byte[] input = random.nextInt(5) == 0 ? new byte[random.nextInt(500)] : validPackages(random);
            if (input.length > 0 && input[0] == 0) random.nextBytes(input);
            if (run(random, session, input)) closed++;
        }
        assertTrue(closed > 100, "mutations should often be refused, got " + closed);
    }

    @Test
    void random_qmqp_input_never_throws() {
        Random random = new Random(0xa11);
        for (int round = 0; round < 1000; round++) {
            byte[] input = validPackages(random);
            byte[] wrapped = random.nextBoolean() ? Netstrings.encode(input) : input;
            run(random, new QmqpSession("mx.test", "192.0.2.1", Deadlines.Timing.NONE, Clock.systemUTC()), wrapped);
        }
    }
}
