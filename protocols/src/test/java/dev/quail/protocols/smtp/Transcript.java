/*
 * Transcript: drives an SmtpSession the way a test reads an SMTP dialogue, "C:" lines in,
 * "S:" lines out. Every output becomes one or more transcript lines: each reply line without
 * its CRLF, "[submit]" for a Submit, "[close]" for a Close, "[starttls]" for a StartTls and
 * "[authenticate USER PASSWORD]" for an Authenticate. server(...) asserts the lines produced
 * since the previous check.
 */
package dev.quail.protocols.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

final class Transcript {

  static final Instant NOW = Instant.parse("2024-03-05T04:06:07Z");
  static final long NOW_SECONDS = NOW.getEpochSecond();

  final SmtpSession session;
  private final List<String> unchecked = new ArrayList<>();
  private final List<SmtpOutput.Submit> submits = new ArrayList<>();

  private Transcript(SmtpPolicy policy, SmtpSecurity security) {
    session = new SmtpSession(policy, security, new SmtpClient("192.0.2.7", 40000, "198.51.100.1"),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  /** Relays for example.org, refuses spammer@bad.example, unlimited size, qmail's 100/100. */
  static SmtpPolicy policy() {
    return policy(0, 100, 100);
  }

  static SmtpPolicy policy(long databytes, int maxRecipients, int maxHops) {
    return new SmtpPolicy("mx.example.org", "mx.example.org", databytes, maxRecipients, maxHops,
        address -> address.toLowerCase().endsWith("@example.org"),
        address -> address.equalsIgnoreCase("spammer@bad.example"));
  }

  /** A session whose greeting has been checked. */
  static Transcript open(SmtpPolicy policy) {
    return open(policy, SmtpSecurity.NONE);
  }

  static Transcript open(SmtpPolicy policy, SmtpSecurity security) {
    Transcript t = new Transcript(policy, security);
    t.record(t.session.start());
    return t.server("220 mx.example.org ESMTP");
  }

  static Transcript open() {
    return open(policy());
  }

  Transcript client(String text) {
    return clientBytes(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  Transcript clientBytes(byte[] bytes) {
    record(session.receive(bytes, 0, bytes.length));
    return this;
  }

  Transcript queued(String id) {
    record(session.queued(new QueueResult.Queued(id)));
    return this;
  }

  Transcript queued(QueueResult result) {
    record(session.queued(result));
    return this;
  }

  Transcript tlsStarted() {
    session.tlsStarted();
    return this;
  }

  Transcript authenticated(AuthResult result) {
    record(session.authenticated(result));
    return this;
  }

  Transcript timeout() {
    record(session.timeout());
    return this;
  }

  Transcript server(String... expected) {
    assertEquals(Arrays.asList(expected), List.copyOf(unchecked));
    unchecked.clear();
    return this;
  }

  /** Asserts the last reply line only, for tests about one edge. */
  Transcript lastReply(String expected) {
    assertTrue(!unchecked.isEmpty(), "no output");
    assertEquals(expected, unchecked.get(unchecked.size() - 1));
    unchecked.clear();
    return this;
  }

  /** Envelope and transaction set-up whose replies are not the point of the test. */
  Transcript envelope(String sender, String... recipients) {
    client("MAIL FROM:<" + sender + ">\r\n");
    for (String recipient : recipients) {
      client("RCPT TO:<" + recipient + ">\r\n");
    }
    client("DATA\r\n");
    unchecked.clear();
    return this;
  }

  List<SmtpOutput.Submit> submits() {
    return submits;
  }

  SmtpOutput.Submit lastSubmit() {
    assertTrue(!submits.isEmpty(), "nothing was submitted");
    return submits.get(submits.size() - 1);
  }

  /** The submitted message without the Received line, as text. */
  String lastBody() {
    String message = new String(lastSubmit().message(), StandardCharsets.ISO_8859_1);
    int afterReceived = message.indexOf('\n', message.indexOf('\n') + 1) + 1;
    return message.substring(afterReceived);
  }

  static List<String> lines(List<SmtpOutput> outputs) {
    List<String> lines = new ArrayList<>();
    for (SmtpOutput output : outputs) {
      if (output instanceof SmtpOutput.Reply reply) {
        assertTrue(reply.text().endsWith("\r\n"), "reply must end in CRLF: " + reply.text());
        lines.addAll(Arrays.asList(reply.text().substring(0, reply.text().length() - 2).split("\r\n", -1)));
      } else if (output instanceof SmtpOutput.Submit) {
        lines.add("[submit]");
      } else if (output instanceof SmtpOutput.StartTls) {
        lines.add("[starttls]");
      } else if (output instanceof SmtpOutput.Authenticate auth) {
        lines.add("[authenticate " + auth.user() + " " + new String(auth.password()) + "]");
      } else {
        lines.add("[close]");
      }
    }
    return lines;
  }

  private void record(List<SmtpOutput> outputs) {
    unchecked.addAll(lines(outputs));
    outputs.stream().filter(SmtpOutput.Submit.class::isInstance).map(SmtpOutput.Submit.class::cast)
        .forEach(submits::add);
  }
}
