/*
 * CommandFramer: cuts the byte stream into SMTP command lines.
 *
 * SMTP-02        A line ends at LF; one CR before it is removed, so bare-LF clients work.
 * RFC 5321       A command line is at most 512 octets including CRLF (4.5.3.1.4). A longer
 *                line is discarded as it arrives and reported as too long when its LF comes,
 *                so memory stays at 512 octets whatever the client sends, and the octet count
 *                cannot overflow (the qmail bug fixed for CVE-2005-1514).
 * Octets map 1:1 to chars (ISO-8859-1), so addresses keep their raw bytes.
 */
package dev.quail.protocols.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

final class CommandFramer {

  static final int MAX_COMMAND_OCTETS = 512;

  private final byte[] line = new byte[MAX_COMMAND_OCTETS];
  private int octets;
  private boolean complete;

  /** Consumes bytes up to and including the next LF; returns the index after the last one consumed. */
  int read(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      if (octets < MAX_COMMAND_OCTETS) {
        line[octets] = b;
      }
      if (octets <= MAX_COMMAND_OCTETS) {
        octets++;
      }
      if (b == '\n') {
        complete = true;
        return i + 1;
      }
    }
    return to;
  }

  boolean hasLine() {
    return complete;
  }

  /** Some of a line has arrived, not yet its LF. */
  boolean partial() {
    return octets > 0 && !complete;
  }

  /** The finished line without its line end, or empty when it was longer than 512 octets. */
  Optional<String> takeLine() {
    Optional<String> text = Optional.empty();
    if (octets <= MAX_COMMAND_OCTETS) {
      int end = octets - 1;
      if (end > 0 && line[end - 1] == '\r') {
        end--;
      }
      text = Optional.of(new String(line, 0, end, StandardCharsets.ISO_8859_1));
    }
    octets = 0;
    complete = false;
    return text;
  }
}
