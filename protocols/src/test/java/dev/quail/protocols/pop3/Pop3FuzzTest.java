/*
 * Fuzz-style robustness (seeded) of the POP3 session: commands, arguments and noise in random chunks, with logins
 * commits and TLS handshakes answered at random. The session must never throw, must say nothing after it closed,
 * and must say nothing between a StartTls and its handshake.
 */
package dev.quail.protocols.pop3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Pop3FuzzTest {
    private static final String[] FRAGMENTS = {
        "USER a@b\r\n", "PASS x\r\n", "APOP a d\r\n", "STAT\r\n", "LIST\r\n", "LIST 2\r\n", "UIDL 1\r\n",
        "RETR 1\r\n", "TOP 2 0\r\n", "TOP 3\r\n", "DELE 1\r\n", "DELE 2\r\n", "RSET\r\n", "LAST\r\n", "NOOP\r\n",
        "CAPA\r\n", "STLS\r\n", "QUIT\r\n", "RETR 0\r\n", "RETR 99999999999999\r\n", "\r\n", "\n", " \r\n", "\u00ff\u0000\r\n",
    };

    @Test
    void random_dialogues_never_throw() {
        Random random = new Random(0x90b3);
        for (int round = 0; round < 3000; round++) {
            ByteArrayOutputStream input = new ByteArrayOutputStream();
            for (int i = random.nextInt(30); i >= 0; i--) {
                if (random.nextInt(8) == 0) {
                    byte[] noise = new byte[random.nextInt(30)];
                    random.nextBytes(noise);
                    input.writeBytes(noise);
                } else {
                    input.writeBytes(FRAGMENTS[random.nextInt(FRAGMENTS.length)].getBytes(StandardCharsets.ISO_8859_1));
                }
            }
            run(random, input.toByteArray());
        }
    }

    private static void run(Random random, byte[] input) {
        Pop3Session session = new Pop3Session("<1.2@x>", random.nextBoolean(), Pop3Transcript.TIMING,
                Clock.systemUTC());
        boolean closed = false;
        int at = 0;
        while (at < input.length) {
            int n = Math.min(input.length - at, 1 + random.nextInt(20));
            if (session.awaitingTls() && random.nextBoolean()) session.tlsStarted();
            boolean silent = session.awaitingTls();
            List<Pop3Output> out = session.receive(input, at, n);
            at += n;
            if (silent) assertEquals(List.of(), out, "nothing before the handshake");
            while (!out.isEmpty()) {
                if (closed) assertEquals(List.of(), out, "nothing after Close");
                List<Pop3Output> next = List.of();
                for (Pop3Output o : out) {
                    if (o instanceof Pop3Output.Close) closed = true;
                    if (o instanceof Pop3Output.Authenticate) {
                        next = session.loggedIn(random.nextInt(3) == 0 ? new LoginResult.Refused()
                                : new LoginResult.Opened(List.of(new Pop3Entry("a", 10), new Pop3Entry("b", 20))));
                    }
                    if (o instanceof Pop3Output.Commit) next = session.committed(random.nextBoolean());
                }
                out = next;
            }
        }
    }
}
