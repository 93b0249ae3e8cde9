/*
 * ReceivedLine: the trace header an SMTP session puts before the data (SMTP-40, modernised;
 * RFC 5321 4.4):
 *
 *   Received: from unknown (HELO <helo>) ([<remote ip>])
 *     by <me> with ESMTP; 5 Mar 2024 04:06:07 -0000
 *
 * qmail's layout: Quail does no reverse lookup, so the remote host is "unknown" and the client's own
 * name is only what it claimed in HELO. "with SMTP" after HELO or no greeting at all; no "(HELO …)"
 * part when the client never said HELO/EHLO. After EHLO the protocol is RFC 3848's: ESMTP, ESMTPS under
 * TLS, ESMTPSA under TLS and authenticated (AUTH exists only under TLS), and an authenticated client's
 * identity follows the address as a comment:
 *
 *   Received: from unknown (HELO <helo>) ([<remote ip>]) (authenticated as <user>)
 *     by <me> with ESMTPSA; 5 Mar 2024 04:06:07 -0000
 * Every field is sanitised as qmail's safehop does (letters, digits and . @ % + / = : - [ ]
 * kept, anything else becomes '?'), so no client-chosen byte, CR included, reaches the header.
 * The date is qmail's date822fmt: GMT, "-0000", day without a leading zero.
 */
package dev.quail.protocols.smtp;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

final class ReceivedLine {

  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };

  private ReceivedLine() {}

  static byte[] format(Optional<String> helo, boolean esmtp, boolean tls, Optional<String> user, String remoteIp,
      String me, Instant when) {
    String heloPart = helo.map(h -> "(HELO " + sanitise(h) + ") ").orElse("");
    String userPart = user.map(u -> " (authenticated as " + sanitise(u) + ")").orElse("");
    String protocol = !esmtp ? "SMTP" : "ESMTP" + (tls ? "S" : "") + (user.isPresent() ? "A" : "");
    String text = "Received: from unknown " + heloPart + "([" + sanitise(remoteIp) + "])" + userPart + "\n"
        + "  by " + sanitise(me) + " with " + protocol + "; " + date(when) + "\n";
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  static String date(Instant when) {
    // By hand, not String.format: this runs for every message received.
    ZonedDateTime t = when.atZone(ZoneOffset.UTC);
    StringBuilder b = new StringBuilder(26);
    b.append(t.getDayOfMonth()).append(' ').append(MONTHS[t.getMonthValue() - 1]).append(' ')
        .append(t.getYear()).append(' ');
    two(b, t.getHour()).append(':');
    two(b, t.getMinute()).append(':');
    two(b, t.getSecond());
    return b.append(" -0000").toString();
  }

  private static StringBuilder two(StringBuilder b, int n) {
    return b.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
  }

  static String sanitise(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      out.append(safe(c) ? c : '?');
    }
    return out.toString();
  }

  private static boolean safe(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || ".@%+/=:-[]".indexOf(c) >= 0;
  }
}
