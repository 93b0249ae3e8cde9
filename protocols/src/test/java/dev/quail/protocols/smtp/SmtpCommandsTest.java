/*
 * Every command's replies, as transcripts (SMTP-01..SMTP-07, SMTP-13, SMTP-22, RFC 2034).
 */
package dev.quail.protocols.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SmtpCommandsTest {

  @Test
  void smtp01_03_greetingHeloAndEhloAdvertiseTheExtensions() {
    Transcript.open()
        .client("HELO client.example\r\n").server("250 mx.example.org")
        .client("EHLO client.example\r\n").server(
            "250-mx.example.org", "250-PIPELINING", "250-8BITMIME", "250-SIZE", "250 ENHANCEDSTATUSCODES");
  }

  @Test
  void rfc1870_ehloAnnouncesTheDatabytesLimit() {
    Transcript.open(Transcript.policy(10_000, 100, 100))
        .client("EHLO client.example\r\n").server(
            "250-mx.example.org", "250-PIPELINING", "250-8BITMIME", "250-SIZE 10000", "250 ENHANCEDSTATUSCODES");
  }

  /** A full disk: MAIL and RCPT hear 452 4.3.1 (try later), and the session carries on once there is room. */
  @Test
  void aQueueWithoutRoomRefusesMailAndRcptTemporarily() {
    java.util.concurrent.atomic.AtomicBoolean low = new java.util.concurrent.atomic.AtomicBoolean(true);
    Transcript.open(Transcript.policy(0, 100, 100, low::get))
        .client("MAIL FROM:<a@b.example>\r\n").server("452 4.3.1 Insufficient system storage")
        .client("MAIL FROM:<a@b.example>\r\n").server("452 4.3.1 Insufficient system storage");
    Transcript t = Transcript.open(Transcript.policy(0, 100, 100, low::get));
    low.set(false);
    t.client("MAIL FROM:<a@b.example>\r\n").server("250 2.1.0 ok");
    low.set(true);
    t.client("RCPT TO:<x@example.org>\r\n").server("452 4.3.1 Insufficient system storage");
    low.set(false);
    t.client("RCPT TO:<x@example.org>\r\n").server("250 2.1.5 ok");
  }

  @Test
  void smtp02_verbsAreCaseInsensitiveAndBareLfEndsACommand() {
    Transcript.open()
        .client("nOoP\n").server("250 2.0.0 ok")
        .client("mail from:<a@b.example>\r\n").server("250 2.1.0 ok");
  }

  @Test
  void smtp04_smtp13_nullSenderIsAccepted() {
    Transcript.open().client("MAIL FROM:<>\r\n").server("250 2.1.0 ok");
  }

  @Test
  void mailInsideATransactionIsNested() {
    Transcript.open()
        .client("MAIL FROM:<a@b.example>\r\n").server("250 2.1.0 ok")
        .client("MAIL FROM:<c@d.example>\r\n").server("503 5.5.1 nested MAIL command (#5.5.1)")
        .client("RSET\r\n").server("250 2.0.0 flushed")
        .client("MAIL FROM:<c@d.example>\r\n").server("250 2.1.0 ok");
  }

  @Test
  void mailParametersBodyAcceptedUnknownRefused() {
    Transcript.open()
        .client("MAIL FROM:<a@b.example> BODY=8BITMIME\r\n").server("250 2.1.0 ok")
        .client("RSET\r\nMAIL FROM:<a@b.example> body=7bit\r\n").server("250 2.0.0 flushed", "250 2.1.0 ok")
        .client("RSET\r\nMAIL FROM:<a@b.example> BODY=BINARYMIME\r\n")
        .server("250 2.0.0 flushed", "555 5.5.4 unsupported parameter (#5.5.4)")
        .client("MAIL FROM:<a@b.example> AUTH=<>\r\n").server("555 5.5.4 unsupported parameter (#5.5.4)")
        .client("MAIL FROM:<a@b.example> SIZE=12k\r\n").server("501 5.5.4 syntax error in SIZE parameter (#5.5.4)");
  }

  @Test
  void smtp05_rcptBeforeMail() {
    Transcript.open().client("RCPT TO:<u@example.org>\r\n").server("503 5.5.1 MAIL first (#5.5.1)");
  }

  @Test
  void smtp05_rcptRelayDecisionAndLocalNamesWithoutDomain() {
    Transcript.open()
        .client("MAIL FROM:<a@b.example>\r\n").server("250 2.1.0 ok")
        .client("RCPT TO:<u@example.org>\r\n").server("250 2.1.5 ok")
        .client("RCPT TO:<u@elsewhere.example>\r\n")
        .server("553 5.7.1 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)")
        .client("RCPT TO:<postmaster>\r\n").server("250 2.1.5 ok");
  }

  @Test
  void smtp05_badmailfromIsRefusedAtEveryRcpt() {
    Transcript.open()
        .client("MAIL FROM:<Spammer@Bad.Example>\r\n").server("250 2.1.0 ok")
        .client("RCPT TO:<u@example.org>\r\n")
        .server("553 5.7.1 sorry, your envelope sender is in my badmailfrom list (#5.7.1)")
        .client("RCPT TO:<v@example.org>\r\n")
        .server("553 5.7.1 sorry, your envelope sender is in my badmailfrom list (#5.7.1)")
        .client("DATA\r\n").server("503 5.5.1 RCPT first (#5.5.1)");
  }

  /** SMTP-12: user@[this host's IP] is taken as user@localiphost, so the relay check passes it. */
  @Test
  void smtp12_anAddressAtOurOwnIpIsLocal() {
    Transcript.open()
        .client("MAIL FROM:<a@b.example>\r\n").server("250 2.1.0 ok")
        .client("RCPT TO:<u@[198.51.100.1]>\r\n").server("250 2.1.5 ok")
        .client("RCPT TO:<u@[192.0.2.99]>\r\n")
        .server("553 5.7.1 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)");
  }

  /** SEC-06: an address without a mailbox is refused at RCPT; the transaction goes on for the others. */
  @Test
  void sec06_unknownMailboxIsRefusedAtRcptAndTheOthersStay() {
    Transcript.open()
        .client("MAIL FROM:<a@b.example>\r\n").server("250 2.1.0 ok")
        .client("RCPT TO:<unknown@example.org>\r\n").server("550 5.1.1 sorry, no mailbox here by that name (#5.1.1)")
        .client("RCPT TO:<u@example.org>\r\n").server("250 2.1.5 ok")
        .client("DATA\r\n").server("354 go ahead");
  }

  /** SEC-06: a client that guessed too many addresses hears 421 at its next one and nothing after. */
  @Test
  void sec06_aGuessingClientIsSentAway() {
    Transcript.open()
        .client("MAIL FROM:<a@b.example>\r\n").server("250 2.1.0 ok")
        .client("RCPT TO:<guess@example.org>\r\n")
        .server("421 4.7.0 too many unknown recipients, closing connection (#4.7.0)", "[close]")
        .client("RCPT TO:<u@example.org>\r\n").server();
  }

  @Test
  void adr02_nullAddressAndParametersAreRefusedAsRecipient() {
    Transcript.open()
        .client("MAIL FROM:<>\r\n").server("250 2.1.0 ok")
        .client("RCPT TO:<>\r\n").server("553 5.1.3 sorry, <> is allowed only as a sender (#5.1.3)")
        .client("RCPT TO:<u@example.org> NOTIFY=NEVER\r\n").server("555 5.5.4 unsupported parameter (#5.5.4)");
  }

  @Test
  void addressWithAControlCharacterIsASyntaxError() {
    Transcript.open().client("MAIL FROM:<a\rb@b.example>\r\n").server("501 5.1.7 bad sender address syntax (#5.1.7)");
  }

  @Test
  void smtp06_dataNeedsMailThenRcpt() {
    Transcript.open()
        .client("DATA\r\n").server("503 5.5.1 MAIL first (#5.5.1)")
        .client("MAIL FROM:<a@b.example>\r\n").server("250 2.1.0 ok")
        .client("DATA\r\n").server("503 5.5.1 RCPT first (#5.5.1)")
        .client("RCPT TO:<u@example.org>\r\n").server("250 2.1.5 ok")
        .client("DATA\r\n").server("354 go ahead")
        .client("Subject: hi\r\n\r\nbody\r\n.\r\n").server("[submit]")
        .queued("42").server("250 2.0.0 ok " + Transcript.NOW_SECONDS + " qp 42")
        .client("RCPT TO:<u@example.org>\r\n").server("503 5.5.1 MAIL first (#5.5.1)");
  }

  @Test
  void smtp06_queueFailuresAreReportedVerbatim() {
    Transcript t = Transcript.open().client("EHLO c\r\n");
    t.envelope("a@b.example", "u@example.org").client(".\r\n").server("[submit]")
        .queued(new QueueResult.Temporary("4.3.0 qq write error (#4.3.0)"))
        .server("451 4.3.0 qq write error (#4.3.0)");
    t.envelope("a@b.example", "u@example.org").client(".\r\n").server("[submit]")
        .queued(new QueueResult.Permanent("5.3.0 refused (#5.3.0)"))
        .server("554 5.3.0 refused (#5.3.0)");
  }

  @Test
  void smtp03_heloAndRsetEndTheTransaction() {
    Transcript.open()
        .client("MAIL FROM:<a@b.example>\r\nRCPT TO:<u@example.org>\r\nEHLO c\r\nDATA\r\n")
        .server("250 2.1.0 ok", "250 2.1.5 ok",
            "250-mx.example.org", "250-PIPELINING", "250-8BITMIME", "250-SIZE", "250 ENHANCEDSTATUSCODES",
            "503 5.5.1 MAIL first (#5.5.1)")
        .client("MAIL FROM:<a@b.example>\r\nRCPT TO:<u@example.org>\r\nRSET\r\nDATA\r\n")
        .server("250 2.1.0 ok", "250 2.1.5 ok", "250 2.0.0 flushed", "503 5.5.1 MAIL first (#5.5.1)");
  }

  @Test
  void smtp07_noopVrfyHelpQuit() {
    Transcript.open()
        .client("NOOP\r\n").server("250 2.0.0 ok")
        .client("VRFY root\r\n").server("252 2.0.0 send some mail, i'll try my best")
        .client("HELP\r\n").server("214 2.0.0 quail, qmail's design rebuilt on the JVM: https://cr.yp.to/qmail.html")
        .client("QUIT\r\nNOOP\r\n").server("221 2.0.0 mx.example.org", "[close]")
        .client("NOOP\r\n").server();
  }

  @Test
  void smtp07_unknownVerbsAreUnimplemented() {
    Transcript.open()
        .client("EXPN list\r\n").server("502 5.5.1 unimplemented (#5.5.1)")
        .client("STARTTLS\r\n").server("502 5.5.1 unimplemented (#5.5.1)")
        .client("BDAT 10 LAST\r\n").server("502 5.5.1 unimplemented (#5.5.1)");
  }

  @Test
  void emptyAndGarbageLinesAreSyntaxErrors() {
    Transcript.open()
        .client("\r\n").server("500 5.5.2 syntax error (#5.5.2)")
        .client(" NOOP\r\n").server("500 5.5.2 syntax error (#5.5.2)")
        .client("\u0000\u00ff\u0001\r\n").server("500 5.5.2 syntax error (#5.5.2)")
        .client("NOOP\r\n").server("250 2.0.0 ok");
  }

  @Test
  void smtp35_timeoutClosesAndNothingFollows() {
    Transcript t = Transcript.open().client("MAIL FROM:<a@b.example>\r\n").server("250 2.1.0 ok");
    t.timeout().server("451 4.4.2 timeout (#4.4.2)", "[close]")
        .client("NOOP\r\n").server()
        .timeout().server();
  }

  @Test
  void timeoutInsideDataClosesWithoutSubmitting() {
    Transcript t = Transcript.open();
    t.envelope("a@b.example", "u@example.org").client("half a mess").timeout()
        .server("[discard]", "451 4.4.2 timeout (#4.4.2)", "[close]");
    assertEquals(List.of(), t.submits());
  }
}
