/*
 * AddressParser: qmail-smtpd's addrparse() as a pure function.
 *
 * SMTP-10  With a '<' the address runs from after the first '<' to the first unquoted '>';
 *          without one (clients that never read RFC 821) it starts after the first ':'
 *          (leading spaces skipped) and ends at the first unquoted space. "FROM:"/"TO:" are
 *          not verified, as in qmail.
 * SMTP-11  A leading '@' starts a source route, dropped through the first ':'
 *          (<@a,@b:user@host> becomes user@host). Double quotes toggle quoting and vanish;
 *          a backslash yields the next character literally.
 * SMTP-04  More than 900 octets: rejected (qmail's "555 syntax error").
 * X-01     Modernised: an address holding a control character (NUL, CR, TAB, DEL...) is
 *          rejected, because envelope strings end up in Return-Path and Delivered-To header
 *          lines, where such a character would corrupt or smuggle header text.
 * Whatever follows the address's terminator is split on spaces into ESMTP parameters.
 */
package dev.quail.protocols.address;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

public final class AddressParser {

  /** qmail-smtpd's limit on the parsed address, in octets (SMTP-04, SMTP-05). */
  public static final int MAX_ADDRESS_OCTETS = 900;

  private AddressParser() {}

  /** The path in a MAIL/RCPT argument, or empty when it is too long or holds a control character. */
  public static Optional<SmtpPath> parse(String argument) {
    int start;
    char terminator;
    int angle = argument.indexOf('<');
    if (angle >= 0) {
      start = angle + 1;
      terminator = '>';
    } else {
      int colon = argument.indexOf(':');
      start = colon < 0 ? argument.length() : colon + 1;
      while (start < argument.length() && argument.charAt(start) == ' ') {
        start++;
      }
      terminator = ' ';
    }
    if (start < argument.length() && argument.charAt(start) == '@') {
      int routeEnd = argument.indexOf(':', start);
      start = routeEnd < 0 ? argument.length() : routeEnd + 1;
    }

    StringBuilder address = new StringBuilder();
    boolean escaped = false;
    boolean quoted = false;
    int i = start;
    for (; i < argument.length(); i++) {
      char c = argument.charAt(i);
      if (escaped) {
        address.append(c);
        escaped = false;
      } else if (!quoted && c == terminator) {
        break;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        quoted = !quoted;
      } else {
        address.append(c);
      }
    }
    if (address.length() > MAX_ADDRESS_OCTETS || hasControl(address)) {
      return Optional.empty();
    }
    String rest = i < argument.length() ? argument.substring(i + 1) : "";
    return Optional.of(new SmtpPath(address.toString(), words(rest)));
  }

  private static boolean hasControl(CharSequence s) {
    return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
  }

  private static List<String> words(String s) {
    return Arrays.stream(s.split(" ")).filter(w -> !w.isEmpty()).toList();
  }
}
