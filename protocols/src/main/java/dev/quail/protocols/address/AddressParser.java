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
 * SMTP-04  More than 900 octets: rejected.
 * X-01     Modernised: an address holding a control character (NUL, CR, LF, TAB, DEL...) is
 *          rejected, because envelope strings end up in Return-Path and Delivered-To header
 *          lines and in the next hop's MAIL and RCPT commands, where such a character would
 *          corrupt or smuggle header text or commands.
 * Malformed paths are rejected, where qmail would guess (Postfix refuses them too): a '<'
 *          without its closing '>' (MAIL FROM:<unterminated@example), an unquoted space or '<'
 *          inside the brackets, text glued to the '>', an open quote or a trailing backslash, a
 *          source route without its ':', and an argument with neither '<' nor ':' or with
 *          nothing after the ':' (qmail read those as the null path).
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

  /** The path in a MAIL/RCPT argument, or empty when it is malformed, too long or holds a control character. */
  public static Optional<SmtpPath> parse(String argument) {
    int angle = argument.indexOf('<');
    boolean bracketed = angle >= 0;
    int start;
    if (bracketed) {
      start = angle + 1;
    } else {
      int colon = argument.indexOf(':');
      if (colon < 0) {
        return Optional.empty(); // "MAIL bogus": no path at all
      }
      start = colon + 1;
      while (start < argument.length() && argument.charAt(start) == ' ') {
        start++;
      }
    }
    if (start < argument.length() && argument.charAt(start) == '@') {
      int routeEnd = argument.indexOf(':', start);
      if (routeEnd < 0) {
        return Optional.empty(); // a source route that never reaches a mailbox
      }
      start = routeEnd + 1;
    }

    char terminator = bracketed ? '>' : ' ';
    StringBuilder address = new StringBuilder();
    boolean escaped = false;
    boolean quoted = false;
    boolean strayInBrackets = false;
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
        strayInBrackets |= bracketed && !quoted && (c == ' ' || c == '<');
        address.append(c);
      }
    }
    boolean terminated = i < argument.length();
    String rest = terminated ? argument.substring(i + 1) : "";
    boolean malformed = escaped || quoted || strayInBrackets
        || (bracketed && (!terminated || !(rest.isEmpty() || rest.startsWith(" "))))
        || (!bracketed && address.length() == 0);
    if (malformed || address.length() > MAX_ADDRESS_OCTETS || hasControl(address)) {
      return Optional.empty();
    }
    return Optional.of(new SmtpPath(address.toString(), words(rest)));
  }

  /** Whether an address holds a control character: never to be written into a session, a header or a log. */
  public static boolean hasControl(CharSequence s) {
    return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
  }

  private static List<String> words(String s) {
    return Arrays.stream(s.split(" ")).filter(w -> !w.isEmpty()).toList();
  }
}
