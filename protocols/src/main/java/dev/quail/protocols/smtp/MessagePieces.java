/*
 * MessagePieces: a message on its way from a server session to the body store, as the session stores it
 * (after SMTP's transparency or QMTP's encoding has been undone). The session appends octets and drains them as
 * pieces of at most PIECE octets, in order, the first starting with the trace line it was made with. It never
 * holds more than one piece besides the ones filled since the last drain, so a session's memory does not grow
 * with the message.
 *
 * databytes (SMTP-34, QMTP-05) counts stored octets, the trace line excluded; 0 = unlimited. The first octet
 * beyond it makes the message too big; the session then discards it: nothing more is kept, and what was filled
 * but not drained is dropped. Octets appended after a discard are only counted.
 */
package dev.quail.protocols.smtp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

public final class MessagePieces {
  /** The most octets one piece holds: BodyStore's chunk, so a piece never spans more than two chunks. */
  public static final int PIECE = 64 * 1024;

  /** A first piece's size: most mail fits, and a large message soon grows it to PIECE. */
  private static final int FIRST = 8 * 1024;

  private final long databytes;
  private final List<byte[]> filled = new ArrayList<>();
  private byte[] piece;
  private int length;
  private long counted;
  private boolean tooBig;
  private boolean discarded;

  /** Starts with {@code prefix} (the trace line, shorter than a piece), which databytes does not count. */
  public MessagePieces(byte[] prefix, long databytes) {
    this.databytes = databytes;
    piece = Arrays.copyOf(prefix, Math.max(FIRST, prefix.length));
    length = prefix.length;
  }

  public void put(byte b) {
    if (!count(1)) {
      return;
    }
    room();
    piece[length++] = b;
  }

  /** Appends {@code bytes[from..to)}. */
  public void put(byte[] bytes, int from, int to) {
    if (!count(to - from)) {
      return;
    }
    int at = from;
    while (at < to) {
      room();
      int k = Math.min(to - at, piece.length - length);
      System.arraycopy(bytes, at, piece, length, k);
      length += k;
      at += k;
    }
  }

  public boolean tooBig() {
    return tooBig;
  }

  /** Forgets the message: keeps nothing from now on. */
  public void discard() {
    discarded = true;
    filled.clear();
    piece = null;
    length = 0;
  }

  public boolean discarded() {
    return discarded;
  }

  /** The pieces filled since the last drain, the last one partial; none once discarded. */
  public List<byte[]> drain() {
    if (discarded) {
      return List.of();
    }
    List<byte[]> out = new ArrayList<>(filled);
    filled.clear();
    if (length == piece.length) {
      out.add(piece);
      piece = new byte[PIECE];
    } else if (length > 0) {
      out.add(Arrays.copyOf(piece, length));
    }
    length = 0;
    return out;
  }

  /** Counts {@code n} more octets; false when nothing is to be kept (beyond databytes, or discarded). */
  private boolean count(int n) {
    counted += n;
    if (databytes > 0 && counted > databytes) {
      tooBig = true;
    }
    return !tooBig && !discarded;
  }

  /** Makes room for one more octet: a first piece grows up to PIECE, a full one is set aside. */
  private void room() {
    if (length < piece.length) {
      return;
    }
    if (piece.length < PIECE) {
      piece = Arrays.copyOf(piece, Math.min(PIECE, piece.length * 2));
    } else {
      filled.add(piece);
      piece = new byte[PIECE];
      length = 0;
    }
  }
}
