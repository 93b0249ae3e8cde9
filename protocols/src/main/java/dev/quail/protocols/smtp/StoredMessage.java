/*
 * StoredMessage: the message as it will be queued, built byte by byte from DATA after
 * transparency has been undone (LF line ends, stuffing dots removed).
 *
 * SMTP-34  databytes counts stored octets, the Received line excluded; 0 = unlimited. The
 *          first octet beyond the limit stops storing (memory stays at the limit) and marks
 *          the message as too big; reading goes on to the final dot.
 * SMTP-33  In the header (up to the first empty line), each line starting with "received" or
 *          "delivered" in any case, colon or not ("Received-SPF" counts), is one hop.
 */
package dev.quail.protocols.smtp;

import java.util.Arrays;

final class StoredMessage {

  private static final byte[] RECEIVED = {'r', 'e', 'c', 'e', 'i', 'v', 'e', 'd'};
  private static final byte[] DELIVERED = {'d', 'e', 'l', 'i', 'v', 'e', 'r', 'e', 'd'};

  private final long databytes;
  private final int prefixLength;
  private byte[] buffer;
  private int length;
  private boolean tooBig;

  private boolean inHeader = true;
  private final byte[] lineStart = new byte[DELIVERED.length];
  private int column;
  private int hops;

  /** Starts with {@code prefix} (the Received line), which databytes does not count. */
  StoredMessage(byte[] prefix, long databytes) {
    this.databytes = databytes;
    this.prefixLength = prefix.length;
    this.buffer = Arrays.copyOf(prefix, prefix.length + 4096);
    this.length = prefix.length;
  }

  void put(byte b) {
    countHops(b);
    if (tooBig) {
      return;
    }
    if (databytes > 0 && length - prefixLength >= databytes) {
      tooBig = true;
      return;
    }
    if (length == buffer.length) {
      buffer = Arrays.copyOf(buffer, buffer.length * 2);
    }
    buffer[length++] = b;
  }

  /**
   * Stores {@code bytes[from..to)}, a run without CR or LF: the same as put() for each byte, in bulk once the
   * header is over (the body is most of the message and needs no hop counting).
   */
  void putRun(byte[] bytes, int from, int to) {
    if (inHeader) {
      for (int i = from; i < to; i++) put(bytes[i]);
      return;
    }
    if (tooBig) {
      return;
    }
    int n = to - from;
    if (databytes > 0 && length - prefixLength + (long) n > databytes) {
      n = (int) Math.max(0, databytes - (length - prefixLength));
      tooBig = true;
    }
    if (length + n > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + n));
    }
    System.arraycopy(bytes, from, buffer, length, n);
    length += n;
  }

  boolean tooBig() {
    return tooBig;
  }

  int hops() {
    return hops;
  }

  byte[] bytes() {
    return Arrays.copyOf(buffer, length);
  }

  private void countHops(byte b) {
    if (!inHeader) {
      return;
    }
    if (b != '\n') {
      if (column < lineStart.length) {
        lineStart[column] = b;
      }
      column++;
      return;
    }
    if (column == 0) {
      inHeader = false;
    } else if (startsWith(RECEIVED) || startsWith(DELIVERED)) {
      hops++;
    }
    column = 0;
  }

  private boolean startsWith(byte[] word) {
    if (column < word.length) {
      return false;
    }
    for (int i = 0; i < word.length; i++) {
      if ((lineStart[i] | 0x20) != word[i]) {
        return false;
      }
    }
    return true;
  }
}
