/*
 * SmtpCommands: qmail-smtpd's command table (SMTP-02..SMTP-07, SMTP-13, SMTP-22) with the
 * conversation state it changes. Each handler is named after its verb, takes the argument
 * (text after the first space, surrounding spaces removed) and returns the outputs; none does
 * I/O. Verbs are case-insensitive; a verb that is not all letters is a 500 syntax error, an
 * unknown one 502 (EXPN, TURN, AUTH, STARTTLS, BDAT... as in qmail).
 *
 * Modernised from qmail: MAIL inside a transaction is 503 (RFC 5321 4.1.4) instead of a
 * silent reset; a malformed path, or one holding a control character, is 501 (AddressParser);
 * ESMTP parameters are checked (MailParameters); RCPT caps the recipient count (RFC 5321
 * 4.5.3.1.8); "<>" is refused as a recipient (ADDR-02); a local address without a mailbox is refused at RCPT,
 * and a client guessing local addresses is sent away (SEC-06, the policy's mailbox check). RELAYCLIENT (SMTP-21):
 * a relay client's recipients skip rcpthosts and get the policy's relayClient value appended, as in qmail-smtpd.
 *
 * ETRN (RFC 1985), only where the policy keeps mail for pick-up (else 502 as in qmail): `ETRN domain` or
 * `ETRN @domain`, outside a transaction (503), after HELO/EHLO (503), from a relay client or an authenticated one
 * (else 459); the domain must be a host name (501): the policy starts the push and says what to answer.
 *
 * TLS and AUTH, where the listener's SmtpSecurity offers them (else 502 as in qmail):
 * STARTTLS (RFC 3207)  no argument; 220 then the StartTls output; 503 once TLS is on. tlsStarted() then
 *                      forgets everything the client said in clear (sec. 4.2): HELO name, EHLO, transaction.
 * AUTH (RFC 4954)      only under TLS (538 5.7.11 in clear), after EHLO, once, outside a transaction;
 *                      SaslExchange reads the mechanism's lines, the edge checks the password.
 * Under TLS, MAIL needs a HELO/EHLO given under TLS (503 5.5.1). On submission (authRequired) MAIL needs
 * AUTH first (530 5.7.0). An authenticated client may send to any domain, as a relay client may. The
 * MAX_AUTH_FAILURES-th refused (or throttled) AUTH of a session ends it with 421 4.7.0: a guesser must
 * reconnect, and so meet the listener's connection limits, every few guesses.
 */
package dev.quail.protocols.smtp;

import dev.quail.protocols.address.AddressParser;
import dev.quail.protocols.address.SmtpPath;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

final class SmtpCommands {

  /** What a successful DATA hands to the data phase: the envelope and the Received line. */
  record Envelope(String sender, List<String> recipients, byte[] received) {}

  private interface Handler {
    List<SmtpOutput> handle(SmtpCommands commands, String argument);
  }

  private static final Map<String, Handler> TABLE = Map.ofEntries(
      Map.entry("HELO", SmtpCommands::helo),
      Map.entry("EHLO", SmtpCommands::ehlo),
      Map.entry("MAIL", SmtpCommands::mail),
      Map.entry("RCPT", SmtpCommands::rcpt),
      Map.entry("DATA", SmtpCommands::data),
      Map.entry("RSET", SmtpCommands::rset),
      Map.entry("NOOP", SmtpCommands::noop),
      Map.entry("VRFY", SmtpCommands::vrfy),
      Map.entry("HELP", SmtpCommands::help),
      Map.entry("QUIT", SmtpCommands::quit),
      Map.entry("STARTTLS", SmtpCommands::startTls),
      Map.entry("AUTH", SmtpCommands::auth),
      Map.entry("ETRN", SmtpCommands::etrn));

  /** The longest domain name DNS can hold, in text without the final dot (RFC 1035 sec. 3.1). */
  static final int MAX_NODE = 253;

  /**
   * RFC 1985's node: a domain name, optionally with the '@' that asks for its subdomains too; the policy gets the
   * name without it (serialhosts lists domains exactly, so there are no subdomains to add).
   */
  private static final Pattern NODE = Pattern.compile("@?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?"
      + "(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");

  /** MAIL has been accepted; RCPTs collect here until DATA or a reset. */
  private static final class Transaction {
    final String sender;
    final boolean senderListed;
    final List<String> recipients = new ArrayList<>();

    Transaction(String sender, boolean senderListed) {
      this.sender = sender;
      this.senderListed = senderListed;
    }
  }

  static final int MAX_AUTH_FAILURES = 3;

  private final SmtpPolicy policy;
  private final SmtpSecurity security;
  private final SmtpClient client;
  private final Clock clock;
  private Optional<String> helo = Optional.empty();
  private boolean greeted;
  private boolean esmtp;
  private boolean tls;
  private Optional<Transaction> transaction = Optional.empty();
  private Optional<Envelope> dataStarted = Optional.empty();
  private Optional<SaslExchange> exchange = Optional.empty();
  private Optional<String> authenticating = Optional.empty();
  private Optional<String> authenticated = Optional.empty();
  private int authFailures;

  SmtpCommands(SmtpPolicy policy, SmtpSecurity security, SmtpClient client, Clock clock) {
    this.policy = policy;
    this.security = security;
    this.client = client;
    this.clock = clock;
    this.tls = security.tls() == SmtpSecurity.Tls.IMPLICIT;
  }

  List<SmtpOutput> execute(String line) {
    if (exchange.isPresent()) {
      return step(exchange.get().respond(line));
    }
    int space = line.indexOf(' ');
    String verb = space < 0 ? line : line.substring(0, space);
    if (verb.isEmpty() || !verb.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
      return List.of(Replies.COMMAND_SYNTAX);
    }
    Handler handler = TABLE.get(verb.toUpperCase(Locale.ROOT));
    if (handler == null) {
      return List.of(Replies.UNIMPLEMENTED);
    }
    return handler.handle(this, space < 0 ? "" : trimSpaces(line.substring(space + 1)));
  }

  /** A line over 512 octets: refused, and it ends an AUTH exchange it was meant for. */
  List<SmtpOutput> tooLong() {
    exchange = Optional.empty();
    return List.of(Replies.COMMAND_TOO_LONG);
  }

  /** RFC 3207 sec. 4.2: the handshake is done; nothing said in clear counts any more. */
  void tlsStarted() {
    tls = true;
    helo = Optional.empty();
    greeted = false;
    esmtp = false;
    transaction = Optional.empty();
  }

  /** The edge's verdict on the credentials of the last Authenticate. */
  List<SmtpOutput> authenticated(AuthResult result) {
    String user = authenticating.orElseThrow(() -> new IllegalStateException("no Authenticate is out"));
    authenticating = Optional.empty();
    if (result == AuthResult.ACCEPTED) {
      authenticated = Optional.of(user);
    }
    if ((result == AuthResult.REFUSED || result == AuthResult.THROTTLED) && ++authFailures == MAX_AUTH_FAILURES) {
      return List.of(Replies.AUTH_FAILURES, new SmtpOutput.Close());
    }
    return List.of(switch (result) {
      case ACCEPTED -> Replies.AUTH_OK;
      case REFUSED -> Replies.AUTH_FAILED;
      case THROTTLED -> Replies.AUTH_THROTTLED;
      case UNAVAILABLE -> Replies.AUTH_UNAVAILABLE;
    });
  }

  /** The envelope of a DATA just answered with 354, once; the data phase starts with it. */
  Optional<Envelope> takeDataStart() {
    Optional<Envelope> started = dataStarted;
    dataStarted = Optional.empty();
    return started;
  }

  // SMTP-03: HELO/EHLO reset the transaction and record the name; no argument check.
  private List<SmtpOutput> helo(String argument) {
    greet(argument, false);
    return List.of(Replies.helo(policy.greeting()));
  }

  private List<SmtpOutput> ehlo(String argument) {
    greet(argument, true);
    boolean startTls = security.tls() == SmtpSecurity.Tls.STARTTLS && !tls;
    return List.of(Replies.ehlo(policy.greeting(), policy.databytes(), startTls, tls, policy.etrn().isPresent()));
  }

  private List<SmtpOutput> mail(String argument) {
    if (transaction.isPresent()) {
      return List.of(Replies.NESTED_MAIL); // RFC 5321 4.1.4
    }
    if (tls && !greeted) {
      return List.of(Replies.EHLO_FIRST); // RFC 3207 sec. 4.2: greet again under TLS
    }
    if (security.authRequired() && authenticated.isEmpty()) {
      return List.of(tls ? Replies.AUTH_REQUIRED : Replies.STARTTLS_FIRST); // RFC 6409 sec. 4.3
    }
    Optional<SmtpPath> path = AddressParser.parse(argument);
    if (path.isEmpty()) {
      return List.of(Replies.BAD_SENDER_SYNTAX); // SMTP-04, as Postfix words it
    }
    Optional<SmtpOutput.Reply> refusal = MailParameters.refusal(path.get().parameters(), policy.databytes(), tls);
    if (refusal.isPresent()) {
      return List.of(refusal.get());
    }
    if (policy.storageLow().getAsBoolean()) {
      return List.of(Replies.STORAGE_LOW); // RFC 5321 4.5.3.1.10's 452: try later, when the disk has room
    }
    String sender = path.get().address();
    // SMTP-22: the empty sender can't be listed; the verdict is given at RCPT time (SMTP-05).
    transaction = Optional.of(new Transaction(sender, !sender.isEmpty() && policy.badMailFrom().test(sender)));
    return List.of(Replies.MAIL_OK);
  }

  private List<SmtpOutput> rcpt(String argument) {
    if (transaction.isEmpty()) {
      return List.of(Replies.MAIL_FIRST); // SMTP-05
    }
    Optional<SmtpPath> path = AddressParser.parse(argument);
    if (path.isEmpty()) {
      return List.of(Replies.BAD_RECIPIENT_SYNTAX); // SMTP-05, as Postfix words it
    }
    if (!path.get().parameters().isEmpty()) {
      return List.of(Replies.UNKNOWN_PARAMETER); // EHLO offers no RCPT parameters
    }
    if (path.get().isNull()) {
      return List.of(Replies.NULL_RECIPIENT); // ADDR-02
    }
    Transaction current = transaction.get();
    if (current.senderListed) {
      return List.of(Replies.BAD_MAIL_FROM); // SMTP-05
    }
    String recipient = policy.localIpHost().apply(path.get().address()) + policy.relayClient().orElse("");
    if (path.get().domain().isPresent() && authenticated.isEmpty() && policy.relayClient().isEmpty()
        && !policy.rcptAllowed().test(recipient)) {
      return List.of(Replies.NOT_RCPTHOST); // SMTP-13: no '@' always passes; SMTP-20
    }
    if (current.recipients.size() >= policy.maxRecipients()) {
      return List.of(Replies.TOO_MANY_RECIPIENTS); // RFC 5321 4.5.3.1.10
    }
    if (policy.storageLow().getAsBoolean()) {
      return List.of(Replies.STORAGE_LOW);
    }
    SmtpPolicy.Mailbox mailbox = policy.mailbox().apply(recipient);
    if (mailbox == SmtpPolicy.Mailbox.UNKNOWN) {
      return List.of(Replies.NO_MAILBOX); // SEC-06: refused now, not bounced later to a sender who may be forged
    }
    if (mailbox == SmtpPolicy.Mailbox.GUESSING) {
      return List.of(Replies.TOO_MANY_UNKNOWN, new SmtpOutput.Close()); // SEC-06: a dictionary attack reconnects
    }
    current.recipients.add(recipient);
    return List.of(Replies.RCPT_OK);
  }

  private List<SmtpOutput> data(String argument) {
    if (transaction.isEmpty()) {
      return List.of(Replies.MAIL_FIRST); // SMTP-06
    }
    Transaction current = transaction.get();
    if (current.recipients.isEmpty()) {
      return List.of(Replies.RCPT_FIRST); // SMTP-06
    }
    byte[] received = ReceivedLine.format(helo, esmtp, tls, authenticated, client.remoteIp(), policy.me(),
        clock.instant());
    dataStarted = Optional.of(new Envelope(current.sender, List.copyOf(current.recipients), received));
    transaction = Optional.empty(); // SMTP-06: whatever DATA's outcome, a new MAIL is required
    return List.of(Replies.GO_AHEAD);
  }

  private List<SmtpOutput> rset(String argument) {
    transaction = Optional.empty();
    return List.of(Replies.FLUSHED);
  }

  private List<SmtpOutput> noop(String argument) {
    return List.of(Replies.NOOP);
  }

  private List<SmtpOutput> vrfy(String argument) {
    return List.of(Replies.VRFY); // SMTP-07: no address disclosure
  }

  private List<SmtpOutput> help(String argument) {
    return List.of(Replies.HELP);
  }

  private List<SmtpOutput> quit(String argument) {
    return List.of(Replies.quit(policy.greeting()), new SmtpOutput.Close());
  }

  private List<SmtpOutput> startTls(String argument) {
    if (security.tls() == SmtpSecurity.Tls.NONE) {
      return List.of(Replies.UNIMPLEMENTED);
    }
    if (tls) {
      return List.of(Replies.TLS_ALREADY_ACTIVE);
    }
    if (!argument.isEmpty()) {
      return List.of(Replies.ARGUMENT_SYNTAX); // RFC 3207 sec. 4: STARTTLS takes no parameters
    }
    return List.of(Replies.READY_FOR_TLS, new SmtpOutput.StartTls());
  }

  private List<SmtpOutput> auth(String argument) {
    if (security.tls() == SmtpSecurity.Tls.NONE) {
      return List.of(Replies.UNIMPLEMENTED);
    }
    if (!tls) {
      return List.of(Replies.ENCRYPTION_REQUIRED); // no password in clear, on any port
    }
    if (!esmtp) {
      return List.of(Replies.EHLO_FIRST);
    }
    if (authenticated.isPresent()) {
      return List.of(Replies.ALREADY_AUTHENTICATED); // RFC 4954 sec. 4
    }
    if (transaction.isPresent()) {
      return List.of(Replies.AUTH_IN_TRANSACTION); // RFC 4954 sec. 4
    }
    SaslExchange started = new SaslExchange();
    exchange = Optional.of(started);
    return step(started.begin(argument));
  }

  private List<SmtpOutput> etrn(String argument) {
    if (policy.etrn().isEmpty()) {
      return List.of(Replies.UNIMPLEMENTED);
    }
    if (!greeted) {
      return List.of(Replies.EHLO_FIRST);
    }
    if (transaction.isPresent()) {
      return List.of(Replies.ETRN_IN_TRANSACTION);
    }
    String node = argument.startsWith("@") ? argument.substring(1) : argument;
    if (!NODE.matcher(argument).matches() || node.length() > MAX_NODE) {
      return List.of(Replies.ETRN_SYNTAX);
    }
    if (policy.relayClient().isEmpty() && authenticated.isEmpty()) {
      return List.of(Replies.etrnRefused(node));
    }
    return List.of(Replies.etrn(policy.etrn().get().apply(node), node));
  }

  private List<SmtpOutput> step(SaslExchange.Step step) {
    if (step instanceof SaslExchange.Challenge challenge) {
      return List.of(challenge.reply());
    }
    exchange = Optional.empty();
    if (step instanceof SaslExchange.Credentials credentials) {
      authenticating = Optional.of(credentials.user());
      return List.of(new SmtpOutput.Authenticate(credentials.user(), credentials.password()));
    }
    return List.of(((SaslExchange.Failed) step).reply());
  }

  private void greet(String name, boolean extended) {
    helo = name.isEmpty() ? Optional.empty() : Optional.of(name);
    greeted = true;
    esmtp = extended;
    transaction = Optional.empty();
  }

  private static String trimSpaces(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && s.charAt(start) == ' ') {
      start++;
    }
    while (end > start && s.charAt(end - 1) == ' ') {
      end--;
    }
    return s.substring(start, end);
  }
}
