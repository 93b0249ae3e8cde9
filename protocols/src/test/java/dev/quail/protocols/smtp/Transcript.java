/*
 * Transcript: drives an SmtpSession the way a test reads an SMTP dialogue, "C:" lines in,
 * "S:" lines out. Every output becomes one or more transcript lines: each reply line without
 * its CRLF, "[submit]" for a Submit, "[discard]" for a Discard, "[close]" for a Close,
 * "[starttls]" for a StartTls and "[authenticate USER PASSWORD]" for an Authenticate; Store
 * pieces are gathered into the message a Submit hands on (each piece checked against the bound).
 * server(...) asserts the lines produced since the previous check.
 */
package dev.quail.protocols.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.Optional;

final class Transcript {

  static final Instant NOW = Instant.parse("2024-03-05T04:06:07Z");
  static final long NOW_SECONDS = NOW.getEpochSecond();

  /** A Submit with the message its Store pieces made. */
  record Submitted(String sender, List<String> recipients, byte[] message) {}

  final SmtpSession session;
  final TestClock clock = new TestClock(NOW);
  private final List<String> unchecked = new ArrayList<>();
  private final List<Submitted> submits = new ArrayList<>();
  private final Pieces pieces = new Pieces();

  private Transcript(SmtpPolicy policy, SmtpSecurity security, Deadlines.Timing timing) {
    session = new SmtpSession(policy, security, new SmtpClient("192.0.2.7", 40000, "198.51.100.1"), timing,
        clock);
  }

  /**
   * Relays for example.org, refuses spammer@bad.example, unlimited size, qmail's 100/100; unknown@ has no
   * mailbox and guess@ comes from a client that guessed too often; [198.51.100.1] is this host (localiphost
   * example.org).
   */
  static SmtpPolicy policy() {
    return policy(0, 100, 100);
  }

  static SmtpPolicy policy(long databytes, int maxRecipients, int maxHops) {
    return policy(databytes, maxRecipients, maxHops, () -> false);
  }

  static SmtpPolicy policy(long databytes, int maxRecipients, int maxHops, BooleanSupplier storageLow) {
    return new SmtpPolicy("mx.example.org", "mx.example.org", databytes, maxRecipients, maxHops,
        address -> address.toLowerCase().endsWith("@example.org"),
        address -> address.equalsIgnoreCase("spammer@bad.example"), storageLow,
        address -> address.replace("@[198.51.100.1]", "@example.org"),
        address -> address.startsWith("unknown@") ? SmtpPolicy.Mailbox.UNKNOWN
            : address.startsWith("guess@") ? SmtpPolicy.Mailbox.GUESSING : SmtpPolicy.Mailbox.KNOWN,
        Optional.empty(), Optional.empty());
  }

  /** {@link #policy()} for a client with RELAYCLIENT set to {@code relayClient} (SMTP-21). */
  static SmtpPolicy relayClient(String relayClient) {
    SmtpPolicy p = policy();
    return new SmtpPolicy(p.greeting(), p.me(), p.databytes(), p.maxRecipients(), p.maxHops(), p.rcptAllowed(),
        p.badMailFrom(), p.storageLow(), p.localIpHost(), p.mailbox(), Optional.of(relayClient), p.etrn());
  }

  /** {@code base} on a server that keeps mail for pick-up and answers every ETRN with {@code answer}. */
  static SmtpPolicy etrn(SmtpPolicy base, java.util.function.Function<String, Etrn> answer) {
    SmtpPolicy p = base;
    return new SmtpPolicy(p.greeting(), p.me(), p.databytes(), p.maxRecipients(), p.maxHops(), p.rcptAllowed(),
        p.badMailFrom(), p.storageLow(), p.localIpHost(), p.mailbox(), p.relayClient(), Optional.of(answer));
  }

  /** A session whose greeting has been checked. */
  static Transcript open(SmtpPolicy policy) {
    return open(policy, SmtpSecurity.NONE);
  }

  static Transcript open(SmtpPolicy policy, SmtpSecurity security) {
    return open(policy, security, Deadlines.Timing.NONE);
  }

  static Transcript open(SmtpPolicy policy, SmtpSecurity security, Deadlines.Timing timing) {
    Transcript t = new Transcript(policy, security, timing);
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

  /** Time passes, then the edge's tick. */
  Transcript after(Duration time, boolean stressed) {
    clock.advance(time);
    record(session.tick(stressed));
    return this;
  }

  Transcript after(Duration time) {
    return after(time, false);
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

  List<Submitted> submits() {
    return submits;
  }

  Submitted lastSubmit() {
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
      } else if (output instanceof SmtpOutput.Discard) {
        lines.add("[discard]");
      } else if (output instanceof SmtpOutput.Store) {
        continue;
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
    for (SmtpOutput output : outputs) {
      pieces.take(output).ifPresent(submits::add);
    }
  }

  /**
   * What an edge does with a session's pieces, as tests check it: gathers each message's Store pieces (never over
   * the bound, never after its Discard) and hands them over with its Submit.
   */
  static final class Pieces {
    private ByteArrayOutputStream message = new ByteArrayOutputStream();
    private boolean discarded;

    Optional<Submitted> take(SmtpOutput output) {
      if (output instanceof SmtpOutput.Store store) {
        assertFalse(discarded, "a Store after its message's Discard");
        assertTrue(store.piece().length > 0 && store.piece().length <= MessagePieces.PIECE,
            "piece of " + store.piece().length + " octets");
        message.writeBytes(store.piece());
      } else if (output instanceof SmtpOutput.Discard) {
        assertFalse(discarded, "a second Discard");
        discarded = true;
        message = new ByteArrayOutputStream();
      } else if (output instanceof SmtpOutput.Submit submit) {
        assertFalse(discarded, "a Submit after a Discard");
        Submitted done = new Submitted(submit.sender(), submit.recipients(), message.toByteArray());
        message = new ByteArrayOutputStream();
        return Optional.of(done);
      } else if (output instanceof SmtpOutput.Reply) {
        discarded = false;
      }
      return Optional.empty();
    }
  }
}
