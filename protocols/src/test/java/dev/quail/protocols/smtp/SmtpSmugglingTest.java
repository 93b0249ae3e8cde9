/*
 * SMTP smuggling (CVE-2023-51766 and kin): a message may end only at CRLF "." CRLF. Every
 * lookalike terminator contains a bare LF or a bare CR, so the session answers 451 4.5.0 and
 * closes (SMTP-31, modernised); what the attacker placed after the fake terminator is never
 * read as a command, and no message, first or smuggled, is submitted.
 */
package dev.quail.protocols.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SmtpSmugglingTest {

  private static final String REFUSED = "451 4.5.0 bare LF or CR in DATA refused, see https://cr.yp.to/docs/smtplf.html";
  private static final String SMUGGLED = "MAIL FROM:<admin@example.org>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\n"
      + "From: admin@example.org\r\n\r\nsmuggled\r\n.\r\nQUIT\r\n";

  @ParameterizedTest(name = "fake terminator {0}")
  @ValueSource(strings = {
      "\n.\n", "\r.\r", "\n.\r\n", "\r\n.\n", "\r.\r\n", "\r\n.\r", "\n.\r", "\r.\n",
      "\n\n.\n\n", "\r\r.\r\r", "\r\n\n.\r\n", "\r\r\n.\r\n", "\r\n.\r\r\n", "\r\n.\n\r\n"})
  void fakeTerminatorIsRefusedAndNothingAfterItIsACommand(String terminator) {
    Transcript t = Transcript.open();
    t.envelope("a@b.example", "u@example.org")
        .client("Subject: first\r\n\r\nhello" + terminator + SMUGGLED + ".\r\n")
        .server("[discard]", REFUSED, "[close]")
        .client("NOOP\r\n.\r\n").server();
    assertEquals(List.of(), t.submits());
  }

  @ParameterizedTest(name = "fake terminator {0}, fed one byte at a time")
  @ValueSource(strings = {"\n.\n", "\r.\r", "\n.\r\n", "\r\n.\n", "\r\n.\r"})
  void chunkingDoesNotOpenAGap(String terminator) {
    Transcript t = Transcript.open();
    t.envelope("a@b.example", "u@example.org");
    for (char c : ("hello" + terminator + SMUGGLED).toCharArray()) {
      t.client(String.valueOf(c));
    }
    t.server("[discard]", REFUSED, "[close]");
    assertEquals(List.of(), t.submits());
  }

  @ParameterizedTest(name = "bare {0} inside a line")
  @ValueSource(strings = {"\r", "\n"})
  void bareLineEndingAnywhereInDataClosesAtOnce(String bare) {
    Transcript t = Transcript.open();
    t.envelope("a@b.example", "u@example.org").client("Subject: x\r\n\r\nab" + bare + "cd")
        .server("[discard]", REFUSED, "[close]");
    assertEquals(List.of(), t.submits());
  }

  @ParameterizedTest(name = "bare {0} right after 354")
  @ValueSource(strings = {"\r", "\n", ".\n", ".\r"})
  void bareLineEndingAtTheStartOfDataClosesToo(String bare) {
    Transcript t = Transcript.open();
    t.envelope("a@b.example", "u@example.org").client(bare + "x").server("[discard]", REFUSED, "[close]");
    assertEquals(List.of(), t.submits());
  }
}
