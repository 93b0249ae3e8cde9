/*
 * Fuzz-style robustness (seeded, so failures reproduce): sessions assembled from SMTP
 * fragments, line-ending debris and random bytes, cut into random chunks. The session must
 * never throw, never submit a message holding a CR (stored messages use LF line ends and
 * refuse bare CRs, SMTP-31), and never say anything after it has closed.
 */
package dev.quail.protocols.smtp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SmtpFuzzTest {

  private static final String[] FRAGMENTS = {
    "EHLO fuzz\r\n", "HELO fuzz\r\n", "MAIL FROM:<a@b.example>\r\n", "MAIL FROM:<>\r\n",
    "MAIL FROM:<a@b.example> SIZE=500\r\n", "RCPT TO:<u@example.org>\r\n", "RCPT TO:<u@x.example>\r\n",
    "RCPT TO:<\"q\\\"x\"@example.org>\r\n", "DATA\r\n", "RSET\r\n", "NOOP\r\n", "VRFY x\r\n", "BDAT 1\r\n",
    "Subject: fuzz\r\n", "Received: hop\r\n", "\r\n", ".\r\n", "..\r\n", ".x\r\n", "\r", "\n", ".",
    "\r\n.\r\n", "\n.\n", "\r.\r", "line\r\n", "\u00e9\u00ff\u0000\r\n", "QUIT\r\n",
  };

  @Test
  void randomSessionsNeverThrowAndNeverSubmitACr() {
    Random random = new Random(0x5eed);
    int submits = 0;
    for (int round = 0; round < 2000; round++) {
      submits += run(random, session(random));
    }
    assertTrue(submits > 50, "the fuzzer should reach DATA often enough, got " + submits);
  }

  @Test
  void randomBytesNeverThrow() {
    Random random = new Random(42);
    for (int round = 0; round < 300; round++) {
      byte[] noise = new byte[random.nextInt(4000)];
      random.nextBytes(noise);
      run(random, noise);
    }
  }

  private static byte[] session(Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("EHLO fuzz\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<u@example.org>\r\nDATA\r\n"
        .getBytes(StandardCharsets.ISO_8859_1));
    int parts = random.nextInt(60);
    for (int i = 0; i < parts; i++) {
      if (random.nextInt(10) == 0) {
        byte[] noise = new byte[random.nextInt(20)];
        random.nextBytes(noise);
        out.writeBytes(noise);
      } else {
        out.writeBytes(FRAGMENTS[random.nextInt(FRAGMENTS.length)].getBytes(StandardCharsets.ISO_8859_1));
      }
    }
    return out.toByteArray();
  }

  /** Feeds the bytes in random chunks, answering Submits at random; returns the number of Submits. */
  private static int run(Random random, byte[] input) {
    SmtpSession session = new SmtpSession(Transcript.policy(600, 3, 2),
        new SmtpClient("192.0.2.7", 1, "198.51.100.1"), Clock.fixed(Transcript.NOW, ZoneOffset.UTC));
    Outcome outcome = new Outcome();
    outcome.check(session.start(), session, random);
    int at = 0;
    while (at < input.length) {
      int chunk = 1 + random.nextInt(Math.min(64, input.length - at));
      outcome.check(session.receive(input, at, chunk), session, random);
      at += chunk;
    }
    outcome.check(session.timeout(), session, random);
    return outcome.submits;
  }

  private static final class Outcome {
    final Transcript.Pieces pieces = new Transcript.Pieces();
    int submits;
    boolean closed;

    void check(List<SmtpOutput> outputs, SmtpSession session, Random random) {
      for (SmtpOutput output : outputs) {
        assertFalse(closed, "output after Close: " + output);
        var submitted = pieces.take(output);
        if (output instanceof SmtpOutput.Close) {
          closed = true;
        } else if (submitted.isPresent()) {
          submits++;
          for (byte b : submitted.get().message()) {
            assertTrue(b != '\r', "submitted message holds a CR");
          }
          QueueResult result = random.nextBoolean()
              ? new QueueResult.Queued("id") : new QueueResult.Temporary("4.3.0 busy (#4.3.0)");
          check(session.queued(result), session, random);
        }
      }
    }
  }
}
