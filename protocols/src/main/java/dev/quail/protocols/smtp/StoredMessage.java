/*
 * StoredMessage: the message as it will be queued, built byte by byte from DATA after transparency has been
 * undone (LF line ends, stuffing dots removed), and handed on in pieces (MessagePieces: databytes, SMTP-34).
 *
 * SMTP-33  In the header (up to the first empty line), each line starting with "received" or
 *          "delivered" in any case, colon or not ("Received-SPF" counts), is one hop.
 */
package dev.quail.protocols.smtp;

final class StoredMessage {

  private static final byte[] RECEIVED = {'r', 'e', 'c', 'e', 'i', 'v', 'e', 'd'};
  private static final byte[] DELIVERED = {'d', 'e', 'l', 'i', 'v', 'e', 'r', 'e', 'd'};

  final MessagePieces pieces;
  private boolean inHeader = true;
  private final byte[] lineStart = new byte[DELIVERED.length];
  private int column;
  private int hops;

  /** Starts with {@code prefix} (the Received line), which databytes does not count. */
  StoredMessage(byte[] prefix, long databytes) {
    this.pieces = new MessagePieces(prefix, databytes);
  }

  void put(byte b) {
    countHops(b);
    pieces.put(b);
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
    pieces.put(bytes, from, to);
  }

  int hops() {
    return hops;
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
