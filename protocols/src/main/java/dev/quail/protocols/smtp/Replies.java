/*
 * Replies: every reply qmail-smtpd-in-Quail can give, one named constant or function each
 * (qmail's err_* functions). Texts and "(#x.y.z)" suffixes are qmail's where qmail has them
 * (SMTP-01..SMTP-35, X-04). ENHANCEDSTATUSCODES (RFC 2034 sec. 4, RFC 3463) puts a status
 * code before the text of every 2xx/4xx/5xx reply except the greeting and the HELO/EHLO
 * answers; 354 has no enhanced code because RFC 3463 has no class 3.
 */
package dev.quail.protocols.smtp;

import dev.quail.protocols.smtp.SmtpOutput.Reply;

final class Replies {

  static final Reply MAIL_OK = line("250 2.1.0 ok");
  static final Reply RCPT_OK = line("250 2.1.5 ok");
  static final Reply STORAGE_LOW = line("452 4.3.1 Insufficient system storage");
  static final Reply FLUSHED = line("250 2.0.0 flushed");
  static final Reply NOOP = line("250 2.0.0 ok");
  static final Reply VRFY = line("252 2.0.0 send some mail, i'll try my best");
  static final Reply HELP = line("214 2.0.0 quail, qmail's design rebuilt on the JVM: https://cr.yp.to/qmail.html");
  static final Reply GO_AHEAD = line("354 go ahead");

  static final Reply NESTED_MAIL = line("503 5.5.1 nested MAIL command (#5.5.1)");
  static final Reply MAIL_FIRST = line("503 5.5.1 MAIL first (#5.5.1)");
  static final Reply RCPT_FIRST = line("503 5.5.1 RCPT first (#5.5.1)");
  static final Reply BAD_SENDER_SYNTAX = line("501 5.1.7 bad sender address syntax (#5.1.7)");
  static final Reply BAD_RECIPIENT_SYNTAX = line("501 5.1.3 bad recipient address syntax (#5.1.3)");
  static final Reply UNKNOWN_PARAMETER = line("555 5.5.4 unsupported parameter (#5.5.4)");
  static final Reply SIZE_SYNTAX = line("501 5.5.4 syntax error in SIZE parameter (#5.5.4)");
  static final Reply NULL_RECIPIENT = line("553 5.1.3 sorry, <> is allowed only as a sender (#5.1.3)");
  static final Reply BAD_MAIL_FROM =
      line("553 5.7.1 sorry, your envelope sender is in my badmailfrom list (#5.7.1)");
  static final Reply NOT_RCPTHOST =
      line("553 5.7.1 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)");
  static final Reply TOO_MANY_RECIPIENTS = line("452 4.5.3 sorry, too many recipients (#4.5.3)");
  static final Reply NO_MAILBOX = line("550 5.1.1 sorry, no mailbox here by that name (#5.1.1)");
  static final Reply TOO_MANY_UNKNOWN =
      line("421 4.7.0 too many unknown recipients, closing connection (#4.7.0)");

  static final Reply TOO_BIG = line("552 5.3.4 sorry, that message size exceeds my databytes limit (#5.3.4)");
  static final Reply LOOPING = line("554 5.4.6 too many hops, this message is looping (#5.4.6)");
  static final Reply TEXT_LINE_TOO_LONG = line("554 5.6.0 sorry, that message has a line too long, the limit is "
      + DataReader.MAX_TEXT_LINE_OCTETS + " octets (#5.6.0)");
  static final Reply BARE_LINE_ENDING =
      line("451 4.5.0 bare LF or CR in DATA refused, see https://cr.yp.to/docs/smtplf.html");

  static final Reply COMMAND_TOO_LONG = line("500 5.5.2 line too long");
  static final Reply COMMAND_SYNTAX = line("500 5.5.2 syntax error (#5.5.2)");
  static final Reply UNIMPLEMENTED = line("502 5.5.1 unimplemented (#5.5.1)");
  static final Reply TIMEOUT = line("451 4.4.2 timeout (#4.4.2)");
  static final Reply COMMAND_TOO_SLOW = line("421 4.4.2 command line too slow, closing connection (#4.4.2)");
  static final Reply DATA_TOO_SLOW = line("421 4.4.2 data too slow, closing connection (#4.4.2)");
  static final Reply LIFETIME_OVER = line("421 4.4.2 connection too long, closing it (#4.4.2)");
  static final Reply DENIED = line("554 5.7.1 sorry, your address is not allowed to send mail here (#5.7.1)");
  static final Reply BUSY = line("421 4.7.0 too many connections, try again later (#4.7.0)");
  static final Reply EVICTED = line("421 4.7.0 too many connections, closing this idle one (#4.7.0)");

  // RFC 3207 (STARTTLS), RFC 4954 (AUTH), RFC 6409 (submission)
  static final Reply READY_FOR_TLS = line("220 2.0.0 ready to start TLS");
  static final Reply TLS_ALREADY_ACTIVE = line("503 5.5.1 TLS already active (#5.5.1)");
  static final Reply ARGUMENT_SYNTAX = line("501 5.5.4 syntax error (#5.5.4)");
  static final Reply ETRN_SYNTAX = line("501 5.5.4 syntax error in parameters: ETRN domain (#5.5.4)");
  static final Reply ETRN_IN_TRANSACTION = line("503 5.5.1 ETRN not permitted during a mail transaction (#5.5.1)");
  static final Reply EHLO_FIRST = line("503 5.5.1 send EHLO first (#5.5.1)");
  static final Reply STARTTLS_FIRST = line("530 5.7.0 must issue a STARTTLS command first (#5.7.0)");
  static final Reply AUTH_REQUIRED = line("530 5.7.0 authentication required (#5.7.0)");
  static final Reply ENCRYPTION_REQUIRED =
      line("538 5.7.11 encryption required for requested authentication mechanism (#5.7.11)");
  static final Reply ALREADY_AUTHENTICATED = line("503 5.5.1 already authenticated (#5.5.1)");
  static final Reply AUTH_IN_TRANSACTION = line("503 5.5.1 AUTH not permitted during a mail transaction (#5.5.1)");
  static final Reply AUTH_SYNTAX = line("501 5.5.4 syntax error in AUTH command (#5.5.4)");
  static final Reply AUTH_MECHANISM = line("504 5.5.4 unrecognized authentication type (#5.5.4)");
  static final Reply AUTH_ABORTED = line("501 5.0.0 AUTH aborted (#5.0.0)");
  static final Reply AUTH_UNDECODABLE = line("501 5.5.2 cannot decode response (#5.5.2)");
  static final Reply AUTH_OK = line("235 2.7.0 authentication successful");
  static final Reply AUTH_FAILED = line("535 5.7.8 authentication failed (#5.7.8)");
  static final Reply AUTH_THROTTLED =
      line("454 4.7.0 too many failed authentications, try again later (#4.7.0)");
  static final Reply AUTH_UNAVAILABLE = line("454 4.7.0 temporary authentication failure (#4.7.0)");
  static final Reply AUTH_FAILURES =
      line("421 4.7.0 too many failed authentications, closing connection (#4.7.0)");

  private Replies() {}

  static Reply greeting(String greeting) {
    return line("220 " + greeting + " ESMTP");
  }

  static Reply helo(String greeting) {
    return line("250 " + greeting);
  }

  /**
   * RFC 5321 4.1.1.1 multi-line EHLO answer; SIZE carries the limit when there is one (RFC 1870); STARTTLS only
   * while the connection is in clear (RFC 3207 sec. 4.2), AUTH only under TLS (RFC 4954 sec. 4).
   */
  static Reply ehlo(String greeting, long databytes, boolean startTls, boolean auth, boolean etrn) {
    String size = databytes > 0 ? "SIZE " + databytes : "SIZE";
    return new Reply("250-" + greeting + "\r\n"
        + "250-PIPELINING\r\n"
        + "250-8BITMIME\r\n"
        + "250-" + size + "\r\n"
        + (startTls ? "250-STARTTLS\r\n" : "")
        + (auth ? "250-AUTH " + SaslExchange.MECHANISMS + "\r\n" : "")
        + (etrn ? "250-ETRN\r\n" : "")
        + "250 ENHANCEDSTATUSCODES\r\n");
  }

  /** RFC 1985 sec. 5's replies, with enhanced status codes. */
  static Reply etrn(Etrn answer, String node) {
    return line(switch (answer.kind()) {
      case STARTED -> "253 2.0.0 OK, " + answer.pending() + " pending messages for node " + node + " started";
      case NONE_WAITING -> "251 2.0.0 OK, no messages waiting for node " + node;
      case NOT_KEPT -> "459 4.7.1 Node " + node + " not allowed: no mail is kept here for it";
      case UNABLE -> "458 4.3.0 Unable to queue messages for node " + node;
    });
  }

  static Reply etrnRefused(String node) {
    return line("459 4.7.1 Node " + node + " not allowed: relay clients and authenticated clients only");
  }

  static Reply quit(String greeting) {
    return line("221 2.0.0 " + greeting);
  }

  static Reply queued(long unixTime, String id) {
    return line("250 2.0.0 ok " + unixTime + " qp " + id);
  }

  static Reply queueTemporary(String text) {
    return line("451 " + text);
  }

  static Reply queuePermanent(String text) {
    return line("554 " + text);
  }

  private static Reply line(String text) {
    return new Reply(text + "\r\n");
  }
}
