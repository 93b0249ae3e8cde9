/*
 * qmail's RELAYCLIENT (SMTP-21) in the session, and ETRN (RFC 1985) for the mail a server keeps for hosts that
 * connect now and then (serialmail): who may give it, its syntax, and RFC 1985's replies.
 */
package dev.quail.protocols.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmtpRelayClientAndEtrnTest {

  @Test
  void smtp21_relayClientSkipsRcpthostsAndItsValueIsAppendedToEveryRecipient() {
    Transcript t = Transcript.open(Transcript.relayClient("@fixme"))
        .client("MAIL FROM:<a@b.example>\r\n").server("250 2.1.0 ok")
        .client("RCPT TO:<u@elsewhere.example>\r\n").server("250 2.1.5 ok")
        .client("RCPT TO:<v@example.org>\r\n").server("250 2.1.5 ok")
        .client("DATA\r\n").server("354 go ahead")
        .client("hi\r\n.\r\n");
    assertEquals(List.of("u@elsewhere.example@fixme", "v@example.org@fixme"), t.lastSubmit().recipients());
  }

  @Test
  void smtp21_anEmptyRelayClientRelaysUnchanged() {
    Transcript t = Transcript.open(Transcript.relayClient(""))
        .client("MAIL FROM:<a@b.example>\r\n").server("250 2.1.0 ok")
        .client("RCPT TO:<u@elsewhere.example>\r\n").server("250 2.1.5 ok")
        .client("DATA\r\n").server("354 go ahead")
        .client("hi\r\n.\r\n");
    assertEquals(List.of("u@elsewhere.example"), t.lastSubmit().recipients());
  }

  @Test
  void etrnIsUnimplementedWhereNoMailIsKeptAsInQmail() {
    Transcript.open(Transcript.relayClient(""))
        .client("EHLO c.example\r\n").lastReply("250 ENHANCEDSTATUSCODES")
        .client("ETRN example.net\r\n").server("502 5.5.1 unimplemented (#5.5.1)");
  }

  @Test
  void rfc1985_aRelayClientStartsThePushAndHearsHowManyMessagesWait() {
    List<String> asked = new ArrayList<>();
    SmtpPolicy policy = Transcript.etrn(Transcript.relayClient(""), node -> {
      asked.add(node);
      return node.equals("dialup.example") ? Etrn.started(3)
          : node.equals("empty.example") ? Etrn.of(Etrn.Kind.NONE_WAITING)
          : node.equals("broken.example") ? Etrn.of(Etrn.Kind.UNABLE) : Etrn.of(Etrn.Kind.NOT_KEPT);
    });
    Transcript.open(policy)
        .client("ETRN dialup.example\r\n").server("503 5.5.1 send EHLO first (#5.5.1)")
        .client("EHLO c.example\r\n").server("250-mx.example.org", "250-PIPELINING", "250-8BITMIME", "250-SIZE",
            "250-ETRN", "250 ENHANCEDSTATUSCODES")
        .client("ETRN dialup.example\r\n").server("253 2.0.0 OK, 3 pending messages for node dialup.example started")
        .client("ETRN @empty.example\r\n").server("251 2.0.0 OK, no messages waiting for node empty.example")
        .client("ETRN broken.example\r\n").server("458 4.3.0 Unable to queue messages for node broken.example")
        .client("ETRN other.example\r\n")
        .server("459 4.7.1 Node other.example not allowed: no mail is kept here for it")
        .client("MAIL FROM:<a@b.example>\r\n").server("250 2.1.0 ok")
        .client("ETRN dialup.example\r\n").server("503 5.5.1 ETRN not permitted during a mail transaction (#5.5.1)");
    assertEquals(List.of("dialup.example", "empty.example", "broken.example", "other.example"), asked);
  }

  @Test
  void rfc1985_badNodesAreSyntaxErrorsAndNeverReachThePolicy() {
    List<String> asked = new ArrayList<>();
    SmtpPolicy policy = Transcript.etrn(Transcript.relayClient(""), node -> {
      asked.add(node);
      return Etrn.started(1);
    });
    Transcript.open(policy)
        .client("HELO c.example\r\n").server("250 mx.example.org")
        .client("ETRN\r\n").server("501 5.5.4 syntax error in parameters: ETRN domain (#5.5.4)")
        .client("ETRN dial\rup.example\r\n").server("501 5.5.4 syntax error in parameters: ETRN domain (#5.5.4)")
        .client("ETRN #queue\r\n").server("501 5.5.4 syntax error in parameters: ETRN domain (#5.5.4)")
        .client("ETRN ../../etc\r\n").server("501 5.5.4 syntax error in parameters: ETRN domain (#5.5.4)")
        .client("ETRN a.example b.example\r\n").server("501 5.5.4 syntax error in parameters: ETRN domain (#5.5.4)")
        .client("ETRN @" + "a".repeat(SmtpCommands.MAX_NODE - 7) + ".example\r\n")
        .server("501 5.5.4 syntax error in parameters: ETRN domain (#5.5.4)");
    assertEquals(List.of(), asked);
    String longest = "a".repeat(SmtpCommands.MAX_NODE - 8) + ".example";
    Transcript.open(policy)
        .client("HELO c.example\r\n").server("250 mx.example.org")
        .client("ETRN @" + longest + "\r\n")
        .server("253 2.0.0 OK, 1 pending messages for node " + longest + " started");
    assertEquals(List.of(longest), asked);
  }

  @Test
  void rfc1985_aClientThatMayNotRelayIsRefusedUntilItAuthenticates() {
    SmtpPolicy policy = Transcript.etrn(Transcript.policy(), node -> Etrn.started(1));
    Transcript.open(policy)
        .client("HELO c.example\r\n").server("250 mx.example.org")
        .client("ETRN dialup.example\r\n")
        .server("459 4.7.1 Node dialup.example not allowed: relay clients and authenticated clients only");
    Transcript.open(policy, SmtpTlsTest.PORT_25)
        .client("STARTTLS\r\n").lastReply("[starttls]")
        .tlsStarted()
        .client("EHLO c.example\r\n").lastReply("250 ENHANCEDSTATUSCODES")
        .client("AUTH PLAIN " + SmtpAuthTest.PLAIN + "\r\n").server("[authenticate alice@example.org secret]")
        .authenticated(AuthResult.ACCEPTED).server("235 2.7.0 authentication successful")
        .client("ETRN dialup.example\r\n").server("253 2.0.0 OK, 1 pending messages for node dialup.example started");
  }
}
