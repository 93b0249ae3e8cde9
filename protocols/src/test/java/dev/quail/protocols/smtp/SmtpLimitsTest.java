/*
 * Every limit at its edge, n then n+1: command line (RFC 5321 4.5.3.1.4), text line
 * (Quail's 64 KiB, past RFC 5321 4.5.3.1.6's 1000), recipients (4.5.3.1.8), databytes (SMTP-34),
 * SIZE= (RFC 1870), hops (SMTP-33).
 */
package dev.quail.protocols.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SmtpLimitsTest {

  private static final String TOO_BIG = "552 5.3.4 sorry, that message size exceeds my databytes limit (#5.3.4)";
  private static final String LINE_TOO_LONG =
      "554 5.6.0 sorry, that message has a line too long, the limit is 65536 octets (#5.6.0)";

  @Test
  void commandOf512OctetsIncludingCrlfIsRead() {
    String noop = "NOOP " + "x".repeat(512 - "NOOP \r\n".length()) + "\r\n";
    assertEquals(512, noop.length());
    Transcript.open().client(noop).server("250 2.0.0 ok");
  }

  @Test
  void commandOf513OctetsIsTooLongAndTheSessionGoesOn() {
    String noop = "NOOP " + "x".repeat(513 - "NOOP \r\n".length()) + "\r\n";
    assertEquals(513, noop.length());
    Transcript.open().client(noop + "NOOP\r\n").server("500 5.5.2 line too long", "250 2.0.0 ok");
  }

  @Test
  void bareLfCommandCountsItsOctetsToo() {
    Transcript.open()
        .client("NOOP " + "x".repeat(506) + "\n").server("250 2.0.0 ok")
        .client("NOOP " + "x".repeat(507) + "\n").server("500 5.5.2 line too long");
  }

  @Test
  void anEndlessCommandLineIsDiscardedNotBuffered() {
    Transcript t = Transcript.open();
    String megabyte = "M".repeat(1 << 20);
    for (int i = 0; i < 8; i++) {
      t.client(megabyte).server();
    }
    t.client("\r\nQUIT\r\n").server("500 5.5.2 line too long", "221 2.0.0 mx.example.org", "[close]");
  }

  @Test
  void textLineOf64KiBIncludingCrlfIsStoredAsReceived() {
    Transcript t = Transcript.open();
    String line = "y".repeat(65_536 - 2);
    t.envelope("a@b.example", "u@example.org").client(line + "\r\n.\r\n").server("[submit]");
    assertEquals(line + "\n", t.lastBody());
  }

  @Test
  void aLineOverRfc5321sThousandOctetsIsNoReasonToRefuse() {
    Transcript t = Transcript.open();
    t.envelope("a@b.example", "u@example.org").client("<p>" + "y".repeat(5000) + "</p>\r\n.\r\n").server("[submit]");
  }

  @Test
  void textLineOneOctetOver64KiBRefusesTheMessageAfterTheFinalDot() {
    Transcript t = Transcript.open();
    t.envelope("a@b.example", "u@example.org").client("y".repeat(65_535) + "\r\nmore\r\n").server("[discard]")
        .client(".\r\nNOOP\r\n").server(LINE_TOO_LONG, "250 2.0.0 ok");
    assertEquals(List.of(), t.submits());
  }

  @Test
  void anEndlessTextLineIsDiscardedAsSoonAsItPassesTheBound() {
    Transcript t = Transcript.open();
    t.envelope("a@b.example", "u@example.org").client("y".repeat(65_000)).server()
        .client("y".repeat(600)).server("[discard]");
    for (int i = 0; i < 16; i++) {
      t.client("y".repeat(1 << 20)).server();
    }
    t.client("\r\n.\r\n").server(LINE_TOO_LONG);
  }

  @Test
  void textLineLengthCountsTheStuffingDot() {
    Transcript t = Transcript.open();
    t.envelope("a@b.example", "u@example.org").client("." + "y".repeat(65_534) + "\r\n.\r\n")
        .server("[discard]", LINE_TOO_LONG);
  }

  @Test
  void hundredRecipientsAreAcceptedTheHundredAndFirstIsNot() {
    Transcript t = Transcript.open().client("MAIL FROM:<a@b.example>\r\n").server("250 2.1.0 ok");
    for (int i = 1; i <= 100; i++) {
      t.client("RCPT TO:<u" + i + "@example.org>\r\n").server("250 2.1.5 ok");
    }
    t.client("RCPT TO:<u101@example.org>\r\n").server("452 4.5.3 sorry, too many recipients (#4.5.3)")
        .client("DATA\r\n.\r\n").server("354 go ahead", "[submit]");
    assertEquals(100, t.lastSubmit().recipients().size());
  }

  @Test
  void messageOfExactlyDatabytesIsAccepted() {
    Transcript t = Transcript.open(Transcript.policy(10, 100, 100));
    t.envelope("a@b.example", "u@example.org").client("123456789\r\n.\r\n").server("[submit]");
    assertEquals("123456789\n", t.lastBody()); // 10 stored octets: CRLF counts as one LF
  }

  @Test
  void messageOneOctetOverDatabytesIsRefusedAfterTheFinalDot() {
    Transcript t = Transcript.open(Transcript.policy(10, 100, 100));
    t.envelope("a@b.example", "u@example.org").client("1234567890\r\n.\r\nNOOP\r\n")
        .server("[discard]", TOO_BIG, "250 2.0.0 ok");
    assertEquals(List.of(), t.submits());
  }

  @Test
  void theWholeOversizedBodyIsReadBeforeTheRefusal() {
    Transcript t = Transcript.open(Transcript.policy(10, 100, 100));
    t.envelope("a@b.example", "u@example.org").client("1234567890\r\n").server("[discard]")
        .client("x".repeat(900) + "\r\n.\r\n").server(TOO_BIG);
  }

  @Test
  void aMessageIsDiscardedTheMomentItPassesDatabytesAndNothingMoreIsStored() {
    Transcript t = Transcript.open(Transcript.policy(100_000, 100, 100));
    t.envelope("a@b.example", "u@example.org").client(("y".repeat(98) + "\r\n").repeat(1000)).server()
        .client(("y".repeat(98) + "\r\n").repeat(100)).server("[discard]")
        .client(("y".repeat(98) + "\r\n").repeat(10_000)).server()
        .client(".\r\n").server(TOO_BIG);
  }

  @Test
  void databytesCountsUnstuffedOctets() {
    Transcript t = Transcript.open(Transcript.policy(2, 100, 100));
    t.envelope("a@b.example", "u@example.org").client("..\r\n.\r\n").server("[submit]");
    assertEquals(".\n", t.lastBody());
  }

  @Test
  void sizeParameterAtTheLimitIsAcceptedAboveItRefused() {
    Transcript.open(Transcript.policy(10_000, 100, 100))
        .client("MAIL FROM:<a@b.example> SIZE=10000\r\n").server("250 2.1.0 ok")
        .client("RSET\r\nMAIL FROM:<a@b.example> SIZE=10001\r\n").server("250 2.0.0 flushed", TOO_BIG)
        .client("MAIL FROM:<a@b.example> SIZE=99999999999999999999\r\n").server(TOO_BIG)
        .client("MAIL FROM:<a@b.example> SIZE=0000010000\r\n").server("250 2.1.0 ok");
  }

  @Test
  void sizeParameterIsOnlyAnEstimateWhenUnlimited() {
    Transcript.open().client("MAIL FROM:<a@b.example> SIZE=99999999999999999999\r\n").server("250 2.1.0 ok");
  }

  @Test
  void sizeParameterOfMoreThanTwentyDigitsOrNotDigitsIsASyntaxError() {
    String syntax = "501 5.5.4 syntax error in SIZE parameter (#5.5.4)";
    for (long databytes : new long[] {0, 10_000}) {
      Transcript.open(Transcript.policy(databytes, 100, 100))
          .client("MAIL FROM:<a@b.example> SIZE=000000000000000000001\r\n").server(syntax)
          .client("MAIL FROM:<a@b.example> SIZE=12k\r\n").server(syntax)
          .client("MAIL FROM:<a@b.example> SIZE=-1\r\n").server(syntax)
          .client("MAIL FROM:<a@b.example> SIZE=\r\n").server(syntax)
          .client("MAIL FROM:<a@b.example> SIZE\r\n").server(syntax);
    }
  }

  @Test
  void aPathWithoutItsClosingBracketIsRefusedInMailAndRcpt() {
    Transcript.open()
        .client("MAIL FROM:<unterminated@example\r\n").server("501 5.1.7 bad sender address syntax (#5.1.7)")
        .client("MAIL FROM:<a@b.example>\r\n").server("250 2.1.0 ok")
        .client("RCPT TO:<u@example.org\r\n").server("501 5.1.3 bad recipient address syntax (#5.1.3)")
        .client("RCPT TO:<u\u0001@example.org>\r\n").server("501 5.1.3 bad recipient address syntax (#5.1.3)");
  }

  @Test
  void smtp33_ninetyNineHopsPass() {
    Transcript t = Transcript.open();
    t.envelope("a@b.example", "u@example.org").client(hops(99) + "\r\nbody\r\n.\r\n").server("[submit]");
  }

  @Test
  void smtp33_hundredHopsAreALoop() {
    Transcript t = Transcript.open();
    t.envelope("a@b.example", "u@example.org").client(hops(100) + "\r\nbody\r\n.\r\n")
        .server("[discard]", "554 5.4.6 too many hops, this message is looping (#5.4.6)");
    assertEquals(List.of(), t.submits());
  }

  @Test
  void smtp33_onlyHeaderLinesStartingWithTheWordsCount() {
    Transcript t = Transcript.open(Transcript.policy(0, 100, 3));
    t.envelope("a@b.example", "u@example.org")
        .client("Received-SPF: pass\r\nX-Received: no\r\n received: folded, no\r\nDeliveredTo\r\nreceived\r\n"
            + "\r\nReceived: in the body, no\r\n.\r\n")
        .server("[discard]", "554 5.4.6 too many hops, this message is looping (#5.4.6)");
    t.envelope("a@b.example", "u@example.org")
        .client("Received-SPF: pass\r\nDeliver: no\r\n\r\nReceived: body\r\nReceived: body\r\n.\r\n")
        .server("[submit]");
  }

  /** Alternates the two words in varied case, as looping mail accumulates them. */
  private static String hops(int n) {
    StringBuilder header = new StringBuilder();
    for (int i = 0; i < n; i++) {
      header.append(i % 3 == 0 ? "Received: from x by y\r\n" : i % 3 == 1 ? "DELIVERED-TO: u@example.org\r\n"
          : "rEcEiVeD by z\r\n");
    }
    return header.toString();
  }
}
