/*
 * SmtpPath: the address of a MAIL FROM or RCPT TO argument after qmail-smtpd's parsing
 * (SMTP-10, SMTP-11), plus the ESMTP parameters that followed it (RFC 5321 4.1.2, RFC 1869).
 *
 * Strings carry raw octets, one char per octet (ISO-8859-1), so length() is the octet count.
 * The empty address is the null path "<>" (ADDR-02): valid as a sender, never as a recipient.
 */
package dev.quail.protocols.address;

import java.util.List;
import java.util.Optional;

public record SmtpPath(String address, List<String> parameters) {

  public SmtpPath {
    parameters = List.copyOf(parameters);
  }

  /** The null reverse path {@code <>}, used by bounces (ADDR-02). */
  public boolean isNull() {
    return address.isEmpty();
  }

  /** Text after the final {@code @} (ADDR-01); empty for addresses without one (SMTP-13). */
  public Optional<String> domain() {
    int at = address.lastIndexOf('@');
    return at < 0 ? Optional.empty() : Optional.of(address.substring(at + 1));
  }
}
