/*
 * ReceivedLine: the trace header qmail-qmtpd and qmail-qmqpd put before the message (QMTP-06, QMQP-01):
 *
 *   Received: from unknown ([<remote ip>])
 *     by <me> with QMTP; 5 Mar 2024 04:06:07 -0000
 *
 * As Quail's SMTP line: no reverse lookup (so "unknown"), no HELO part (QMTP has none), fields sanitised as
 * qmail's safehop does (letters, digits and . @ % + / = : - [ ] kept, anything else becomes '?'), and the date in
 * qmail's date822fmt: GMT, "-0000", day without a leading zero.
 */
package dev.quail.protocols.qmtp;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;

final class ReceivedLine {
    private static final String[] MONTHS = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    };

    private ReceivedLine() {}

    static byte[] format(String protocol, String remoteIp, String me, Instant when) {
        ZonedDateTime t = when.atZone(ZoneOffset.UTC);
        String date = String.format(Locale.ROOT, "%d %s %d %02d:%02d:%02d -0000", t.getDayOfMonth(),
                MONTHS[t.getMonthValue() - 1], t.getYear(), t.getHour(), t.getMinute(), t.getSecond());
        String text = "Received: from unknown ([" + sanitise(remoteIp) + "])\n  by " + sanitise(me) + " with "
                + protocol + "; " + date + "\n";
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String sanitise(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || ".@%+/=:-[]".indexOf(c) >= 0;
            out.append(safe ? c : '?');
        }
        return out.toString();
    }
}
