/*
 * DATA contents: transparency (SMTP-30), 8-bit data (SMTP-32), the Received line (SMTP-40,
 * X-02) and the message that reaches the queue.
 */
package dev.quail.protocols.smtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmtpDataTest {

  @Test
  void smtp30_crlfBecomesLfAndTheEnvelopeIsKept() {
    Transcript t = Transcript.open().client("EHLO c\r\n");
    t.envelope("a@b.example", "u@example.org", "postmaster")
        .client("Subject: x\r\n\r\nline 1\r\nline 2\r\n.\r\n").server("[submit]");
    assertEquals("a@b.example", t.lastSubmit().sender());
    assertEquals(List.of("u@example.org", "postmaster"), t.lastSubmit().recipients());
    assertEquals("Subject: x\n\nline 1\nline 2\n", t.lastBody());
  }

  @Test
  void smtp30_leadingDotsAreUnstuffed() {
    Transcript t = Transcript.open();
    t.envelope("a@b.example", "u@example.org")
        .client("..\r\n...\r\n.x\r\n..x\r\n. \r\nx.\r\n.\r\n").server("[submit]");
    assertEquals(".\n..\nx\n.x\n \nx.\n", t.lastBody());
  }

  @Test
  void stuffingRoundTrip_aMessageOfDotsSurvivesTransparency() {
    String original = ".\n..\n.\n...x\n";
    String stuffed = "..\r\n...\r\n..\r\n....x\r\n"; // RFC 5321 4.5.2, as a client sends it
    Transcript t = Transcript.open();
    t.envelope("a@b.example", "u@example.org").client(stuffed + ".\r\n").server("[submit]");
    assertEquals(original, t.lastBody());
  }

  @Test
  void emptyMessageIsJustTheReceivedLine() {
    Transcript t = Transcript.open();
    t.envelope("a@b.example", "u@example.org").client(".\r\n").server("[submit]");
    assertEquals("", t.lastBody());
  }

  @Test
  void dataEndsOnlyAtCrlfDotCrlf() {
    Transcript t = Transcript.open();
    t.envelope("a@b.example", "u@example.org").client("a.\r\n .\r\n.. \r\n").server()
        .client(".\r\nNOOP\r\n").server("[submit]")
        .queued("q").server("250 2.0.0 ok " + Transcript.NOW_SECONDS + " qp q", "250 2.0.0 ok");
    assertEquals("a.\n .\n. \n", t.lastBody());
  }

  @Test
  void smtp32_eightBitBytesArePreservedExactly() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int b = 0; b < 256; b++) {
      if (b != '\r' && b != '\n') {
        body.write(b);
      }
    }
    byte[] line = body.toByteArray();
    Transcript t = Transcript.open();
    t.envelope("a@b.example", "u@example.org").client("Subject: 8bit\r\n\r\n")
        .clientBytes(line).client("\r\n.\r\n").server("[submit]");
    byte[] message = t.lastSubmit().message();
    byte[] expected = concat("Subject: 8bit\n\n".getBytes(StandardCharsets.ISO_8859_1), line, new byte[] {'\n'});
    assertArrayEquals(expected, Arrays.copyOfRange(message, message.length - expected.length, message.length));
  }

  @Test
  void smtp40_receivedLineAfterEhlo() {
    Transcript t = Transcript.open().client("EHLO client.example\r\n");
    t.envelope("a@b.example", "u@example.org").client("x\r\n.\r\n").server("[submit]");
    assertEquals("Received: from unknown (HELO client.example) ([192.0.2.7])\n"
        + "  by mx.example.org with ESMTP; 5 Mar 2024 04:06:07 -0000\n"
        + "x\n", new String(t.lastSubmit().message(), StandardCharsets.ISO_8859_1));
  }

  @Test
  void smtp40_receivedLineAfterHeloOrNoGreetingSaysSmtp() {
    Transcript helo = Transcript.open().client("HELO client.example\r\n");
    helo.envelope("a@b.example", "u@example.org").client(".\r\n");
    assertEquals("Received: from unknown (HELO client.example) ([192.0.2.7])\n"
        + "  by mx.example.org with SMTP; 5 Mar 2024 04:06:07 -0000\n", text(helo.lastSubmit()));

    Transcript none = Transcript.open();
    none.envelope("a@b.example", "u@example.org").client(".\r\n");
    assertEquals("Received: from unknown ([192.0.2.7])\n"
        + "  by mx.example.org with SMTP; 5 Mar 2024 04:06:07 -0000\n", text(none.lastSubmit()));
  }

  @Test
  void smtp40_heloNameIsSanitised() {
    Transcript t = Transcript.open().client("EHLO a b\r(c)<d>\"\u00e9[1.2.3.4]_%+/=:-@\r\n");
    t.envelope("a@b.example", "u@example.org").client(".\r\n");
    assertEquals("Received: from unknown (HELO a?b??c??d???[1.2.3.4]?%+/=:-@) ([192.0.2.7])\n"
        + "  by mx.example.org with ESMTP; 5 Mar 2024 04:06:07 -0000\n", text(t.lastSubmit()));
  }

  @Test
  void dataIsHandedOnAsItArrivesInPiecesOfAtMost64KiB() {
    Transcript t = Transcript.open();
    t.envelope("a@b.example", "u@example.org");
    long received = ("Received: from unknown ([192.0.2.7])\n"
        + "  by mx.example.org with SMTP; 5 Mar 2024 04:06:07 -0000\n").length();
    byte[] chunk = ("z".repeat(998) + "\r\n").repeat(300).getBytes(StandardCharsets.ISO_8859_1);
    long stored = 0;
    for (int i = 1; i <= 10; i++) {
      for (SmtpOutput o : t.session.receive(chunk, 0, chunk.length)) {
        byte[] piece = ((SmtpOutput.Store) o).piece();
        assertTrue(piece.length <= MessagePieces.PIECE, "piece of " + piece.length);
        stored += piece.length;
      }
      // Everything received so far is handed on at once: nothing waits in the session for more.
      assertEquals(received + i * 300L * 999, stored);
    }
  }

  @Test
  void x02_dateIsGmtWithoutLeadingZeroOnTheDay() {
    assertEquals("5 Mar 2024 04:06:07 -0000", ReceivedLine.date(Transcript.NOW));
    assertEquals("26 Sep 1995 04:46:54 -0000", ReceivedLine.date(java.time.Instant.parse("1995-09-26T04:46:54Z")));
  }

  private static String text(Transcript.Submitted submit) {
    return new String(submit.message(), StandardCharsets.ISO_8859_1);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
