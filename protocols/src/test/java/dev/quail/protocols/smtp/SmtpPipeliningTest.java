/*
 * RFC 2920 PIPELINING and framing: replies come out in command order, input after a final
 * dot waits for the queue's answer, and how the bytes are chunked never changes the outputs.
 */
package dev.quail.protocols.smtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmtpPipeliningTest {

  private static final String SESSION = "EHLO client.example\r\n"
      + "MAIL FROM:<a@b.example>\r\nRCPT TO:<u@example.org>\r\nRCPT TO:<v@example.org>\r\nDATA\r\n"
      + "Subject: one\r\n\r\n..stuffed\r\n.\r\n"
      + "MAIL FROM:<>\r\nRCPT TO:<w@example.org>\r\nDATA\r\n"
      + "Subject: two\r\n\r\n\u00e9t\u00e9\r\n.\r\n"
      + "QUIT\r\n";

  @Test
  void rfc2920_envelopeInOneWriteIsAnsweredInOrder() {
    Transcript.open()
        .client("MAIL FROM:<a@b.example>\r\nRCPT TO:<u@example.org>\r\nRCPT TO:<v@example.org>\r\nDATA\r\n")
        .server("250 2.1.0 ok", "250 2.1.5 ok", "250 2.1.5 ok", "354 go ahead");
  }

  @Test
  void rfc2920_secondMessageAfterTheFinalDotWaitsForTheQueue() {
    Transcript t = Transcript.open();
    t.client(SESSION).server(
        "250-mx.example.org", "250-PIPELINING", "250-8BITMIME", "250-SIZE", "250 ENHANCEDSTATUSCODES",
        "250 2.1.0 ok", "250 2.1.5 ok", "250 2.1.5 ok", "354 go ahead",
        "[submit]");
    assertTrue(t.session.awaitingQueue());
    assertEquals(List.of("u@example.org", "v@example.org"), t.lastSubmit().recipients());
    assertEquals("Subject: one\n\n.stuffed\n", t.lastBody());

    t.client("NOOP\r\n").server();
    t.queued("1").server(
        "250 2.0.0 ok " + Transcript.NOW_SECONDS + " qp 1",
        "250 2.1.0 ok", "250 2.1.5 ok", "354 go ahead",
        "[submit]");
    assertEquals("", t.lastSubmit().sender());
    assertEquals("Subject: two\n\n\u00e9t\u00e9\n", t.lastBody());

    t.queued("2").server("250 2.0.0 ok " + Transcript.NOW_SECONDS + " qp 2",
        "221 2.0.0 mx.example.org", "[close]");
    assertFalse(t.session.awaitingQueue());
  }

  @Test
  void queuedWithoutASubmitIsAProgrammingError() {
    Transcript t = Transcript.open();
    assertThrows(IllegalStateException.class, () -> t.session.queued(new QueueResult.Queued("x")));
  }

  @Test
  void oneByteAtATimeGivesTheSameOutputsAsOneBlob() {
    byte[] all = SESSION.getBytes(StandardCharsets.ISO_8859_1);
    Run blob = new Run();
    blob.feed(all, all.length);
    Run bytewise = new Run();
    bytewise.feed(all, 1);

    assertEquals(blob.lines, bytewise.lines);
    assertEquals(2, blob.messages.size());
    for (int i = 0; i < blob.messages.size(); i++) {
      assertArrayEquals(blob.messages.get(i), bytewise.messages.get(i));
    }
  }

  @Test
  void everyChunkSizeGivesTheSameOutputs() {
    byte[] all = SESSION.getBytes(StandardCharsets.ISO_8859_1);
    Run blob = new Run();
    blob.feed(all, all.length);
    for (int chunk = 1; chunk <= 40; chunk++) {
      Run run = new Run();
      run.feed(all, chunk);
      assertEquals(blob.lines, run.lines, "chunk size " + chunk);
    }
  }

  /** A whole session fed in fixed-size chunks, answering every Submit with "queued". */
  static final class Run {
    final SmtpSession session = new SmtpSession(Transcript.policy(),
        new SmtpClient("192.0.2.7", 40000, "198.51.100.1"), Clock.fixed(Transcript.NOW, ZoneOffset.UTC));
    final List<String> lines = new ArrayList<>(Transcript.lines(session.start()));
    final List<byte[]> messages = new ArrayList<>();
    private final Transcript.Pieces pieces = new Transcript.Pieces();
    private int queueIds;

    void feed(byte[] all, int chunk) {
      for (int at = 0; at < all.length; at += chunk) {
        take(session.receive(all, at, Math.min(chunk, all.length - at)));
      }
    }

    private void take(List<SmtpOutput> outputs) {
      lines.addAll(Transcript.lines(outputs));
      for (SmtpOutput output : outputs) {
        var submitted = pieces.take(output);
        if (submitted.isPresent()) {
          messages.add(submitted.get().message());
          take(session.queued(new QueueResult.Queued(Integer.toString(++queueIds))));
        }
      }
    }
  }
}
