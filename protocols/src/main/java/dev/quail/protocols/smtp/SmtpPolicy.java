/*
 * SmtpPolicy: everything an SMTP session needs to know about local policy, built per connection
 * by the engine from the control files (control/smtpgreeting, me, databytes, rcpthosts,
 * badmailfrom, ...). The session decides protocol; this record decides policy (Postfix's
 * smtpd / smtpd_check split).
 *
 * greeting       text after "220 " (then " ESMTP"), "250 " (HELO/EHLO) and "221 2.0.0 " (QUIT)
 * me             host name in the Received line "by <me>"
 * databytes      maximum stored message size in octets, 0 = unlimited (SMTP-34)
 * maxRecipients  accepted RCPTs per transaction; one more gets 452 4.5.3 (RFC 5321 4.5.3.1.8)
 * maxHops        Received/Delivered header lines that mark a message as looping (SMTP-33)
 * rcptAllowed    relay decision for a recipient address with a domain (SMTP-20, SMTP-21)
 * badMailFrom    whether a non-empty sender address is listed in badmailfrom (SMTP-22)
 * storageLow     whether the queue's disk is too full to take new mail: MAIL and RCPT get 452 4.3.1
 * localIpHost    a recipient as qmail-smtpd keeps it: user@[IP] of this host's interface becomes user@localiphost
 *                (SMTP-12), before any check; every other address unchanged
 * mailbox        whether a recipient has a mailbox here (SEC-06): UNKNOWN gets 550 5.1.1, GUESSING (the client
 *                tried too many unknown ones lately) 421 4.7.0 and the end of the session; remote addresses
 *                and a server that does not check are KNOWN
 * relayClient    qmail's RELAYCLIENT for this client (SMTP-21): when present, rcpthosts is not consulted and the
 *                value (often empty) is appended to every recipient
 * etrn           present when the server keeps mail for hosts to pick up (serialmail): starts the push of the kept
 *                mail of a domain for ETRN (RFC 1985), which only a relay client or an authenticated one may give
 */
package dev.quail.protocols.smtp;

import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.function.Predicate;

public record SmtpPolicy(
    String greeting,
    String me,
    long databytes,
    int maxRecipients,
    int maxHops,
    Predicate<String> rcptAllowed,
    Predicate<String> badMailFrom,
    BooleanSupplier storageLow,
    UnaryOperator<String> localIpHost,
    Function<String, SmtpPolicy.Mailbox> mailbox,
    Optional<String> relayClient,
    Optional<Function<String, Etrn>> etrn) {

  /** The recipient check's verdict on one RCPT address. */
  public enum Mailbox { KNOWN, UNKNOWN, GUESSING }
}
