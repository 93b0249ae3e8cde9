/*
 * Slow clients at each deadline's edge (Deadlines): idle (SMTP-35), a command line's completion, DATA's minimum
 * rate, the session's lifetime, and the shorter idle and command deadlines under stress. A client dripping one
 * byte every 5 s is dropped with 421 4.4.2, in a command and in DATA.
 */
package dev.quail.protocols.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmtpDeadlinesTest {

  private static final Duration IDLE = Duration.ofSeconds(30);
  private static final Deadlines.Timing TIMING =
      new Deadlines.Timing(IDLE, Duration.ofSeconds(10), 1024, Duration.ofSeconds(3600));
  private static final String TIMEOUT = "451 4.4.2 timeout (#4.4.2)";
  private static final String SLOW_COMMAND = "421 4.4.2 command line too slow, closing connection (#4.4.2)";
  private static final String SLOW_DATA = "421 4.4.2 data too slow, closing connection (#4.4.2)";

  private static Transcript open() {
    return Transcript.open(Transcript.policy(), SmtpSecurity.NONE, TIMING);
  }

  private static Duration seconds(long s) {
    return Duration.ofSeconds(s);
  }

  @Test
  void silentForTimeoutsmtpdIsATimeoutAndOneSecondLessIsNot() {
    open().after(seconds(29)).server().after(seconds(1)).server(TIMEOUT, "[close]");
  }

  @Test
  void anyByteRestartsTheIdleTime() {
    open().after(seconds(20)).client("NO").after(seconds(20)).server().client("OP\r\n").server("250 2.0.0 ok")
        .after(seconds(29)).server();
  }

  @Test
  void aCommandLineMustBeCompleteWithinTimeoutsmtpdOfItsFirstByte() {
    Transcript t = open();
    String drip = "MAIL FROM:<slow@drip.example>\r\n";
    for (int i = 0; i < 5; i++) {
      t.client(String.valueOf(drip.charAt(i))).after(seconds(5)).server();
    }
    t.client(String.valueOf(drip.charAt(5))).after(seconds(5)).server(SLOW_COMMAND, "[close]");
  }

  @Test
  void aCompleteLineStartsTheCommandClockOver() {
    Transcript t = open();
    t.client("NOOP").after(seconds(25)).client("\r\nNO").server("250 2.0.0 ok").after(seconds(25)).server()
        .client("OP\r\n").server("250 2.0.0 ok");
  }

  @Test
  void dataDrippedOneByteEvery5SecondsIsDroppedAndDiscarded() {
    Transcript t = open();
    t.envelope("a@b.example", "u@example.org");
    int ticks = 0;
    List<String> heard = List.of();
    while (heard.isEmpty() && ticks < 20) {
      t.client("x");
      t.clock.advance(seconds(5));
      heard = Transcript.lines(t.session.tick(false));
      ticks++;
    }
    assertEquals(List.of("[discard]", SLOW_DATA, "[close]"), heard);
    assertEquals(6, ticks); // at 30 s: a whole window of 6 octets
    assertEquals(List.of(), t.submits());
  }

  @Test
  void dataAtTheMinimumRateIsNeverDropped() {
    Transcript t = open();
    t.envelope("a@b.example", "u@example.org");
    String line = "y".repeat(1022) + "\r\n"; // 1024 octets a second
    for (int i = 0; i < 600; i++) {
      t.client(line).after(seconds(1)).server();
    }
    t.client(".\r\n").server("[submit]");
  }

  @Test
  void dataJustUnderTheRateOverAWholeWindowIsDropped() {
    Transcript t = open();
    t.envelope("a@b.example", "u@example.org");
    for (int i = 0; i < 60; i++) {
      t.client("y".repeat(1098) + "\r\n").after(seconds(1)).server();
    }
    for (int i = 0; i < 10; i++) {
      t.client("y".repeat(100) + "\r\n").after(seconds(1));
    }
    t.lastReply("[close]");
  }

  @Test
  void timeSpentWaitingForTheQueueIsNotTheClients() {
    Transcript t = open();
    t.envelope("a@b.example", "u@example.org").client(".\r\n").server("[submit]")
        .after(seconds(300)).server()
        .queued("q").server("250 2.0.0 ok " + (Transcript.NOW_SECONDS + 300) + " qp q")
        .after(seconds(29)).server();
  }

  @Test
  void underStressIdleAndCommandDeadlinesShrinkToTimeoutstress() {
    open().after(seconds(9), true).server().after(seconds(1), true).server(TIMEOUT, "[close]");
    open().client("NO").after(seconds(5), true).client("O").after(seconds(5), true).server(SLOW_COMMAND, "[close]");
  }

  @Test
  void aSessionEndsAtItsLifetimeWhateverItDoes() {
    Transcript t = Transcript.open(Transcript.policy(), SmtpSecurity.NONE,
        new Deadlines.Timing(IDLE, seconds(10), 1024, seconds(100)));
    for (int i = 0; i < 9; i++) {
      t.client("NOOP\r\n").after(seconds(10)).server("250 2.0.0 ok");
    }
    t.client("NOOP\r\n").after(seconds(10))
        .server("250 2.0.0 ok", "421 4.4.2 connection too long, closing it (#4.4.2)", "[close]");
  }
}
