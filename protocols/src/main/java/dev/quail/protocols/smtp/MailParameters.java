/*
 * MailParameters: the ESMTP parameters MAIL FROM accepts (RFC 5321 4.1.2 mail-parameters).
 *
 * RFC 1870 SIZE=n  n is the client's size estimate in octets; above databytes the message
 *                  is refused now with 552 5.3.4 rather than after it has been sent (n equal to
 *                  databytes passes). A value that is not 1 to 20 digits (RFC 1870's size-value)
 *                  is a 501 syntax error.
 * RFC 6152 BODY=   8BITMIME and 7BIT are accepted; 8-bit data is stored as is either way.
 * RFC 4954 AUTH=   accepted where AUTH is offered, and ignored: the identity that counts is the one the
 *                  session authenticated, not the one a client claims for the message.
 * Anything else    555 5.5.4 (RFC 5321 4.1.1.11: parameter not recognised).
 */
package dev.quail.protocols.smtp;

import dev.quail.protocols.smtp.SmtpOutput.Reply;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

final class MailParameters {

  private static final int MAX_LONG_DIGITS = 18;
  /** RFC 1870 sec. 5: size-value ::= 1*20DIGIT. */
  private static final int MAX_SIZE_DIGITS = 20;

  private MailParameters() {}

  /** The reply that refuses the MAIL command, or empty when every parameter is acceptable. */
  static Optional<Reply> refusal(List<String> parameters, long databytes, boolean authOffered) {
    for (String parameter : parameters) {
      int equals = parameter.indexOf('=');
      String keyword = (equals < 0 ? parameter : parameter.substring(0, equals)).toUpperCase(Locale.ROOT);
      String value = equals < 0 ? "" : parameter.substring(equals + 1);
      if (keyword.equals("SIZE")) {
        if (!isSizeValue(value)) {
          return Optional.of(Replies.SIZE_SYNTAX);
        }
        if (databytes > 0 && exceeds(value, databytes)) {
          return Optional.of(Replies.TOO_BIG);
        }
      } else if (keyword.equals("BODY")) {
        if (!value.equalsIgnoreCase("8BITMIME") && !value.equalsIgnoreCase("7BIT")) {
          return Optional.of(Replies.UNKNOWN_PARAMETER);
        }
      } else if (!(keyword.equals("AUTH") && authOffered && !value.isEmpty())) {
        return Optional.of(Replies.UNKNOWN_PARAMETER);
      }
    }
    return Optional.empty();
  }

  private static boolean isSizeValue(String s) {
    return !s.isEmpty() && s.length() <= MAX_SIZE_DIGITS && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  /** Compares without overflow: a number too long for a long is larger than any limit. */
  private static boolean exceeds(String digits, long limit) {
    String significant = digits.replaceFirst("^0+(?=.)", "");
    return significant.length() > MAX_LONG_DIGITS || Long.parseLong(significant) > limit;
  }
}
