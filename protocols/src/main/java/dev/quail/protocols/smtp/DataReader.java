/*
 * DataReader: undoes DATA transparency, one byte at a time, so chunking cannot matter.
 *
 * RFC 5321 4.1.1.4  The data ends only at CRLF "." CRLF (the CRLF after DATA's 354 counts as
 *                   the first one). SMTP-30: CRLF is stored as LF; a leading "." is removed.
 * SMTP-31, modern   Every line must end in CRLF. A LF without CR or a CR without LF anywhere
 *                   ends the session at once (BARE_LINE_ENDING). This is what defeats SMTP
 *                   smuggling: no mix of CR, LF and "." can end the data early, so nothing a
 *                   client hides behind a fake terminator is ever read as a command.
 * RFC 5321 4.5.3.1.6 A text line is at most 1000 octets including CRLF, but web applications send
 *                   HTML in much longer lines, and qmail and Postfix accept them: refusing the message
 *                   would lose real mail. Lines up to MAX_TEXT_LINE_OCTETS (64 KiB, CRLF and stuffing dot
 *                   included, as sent) are stored as received; a longer one is noticed as soon as it
 *                   passes the bound, so the session can discard the message at once, and refused at the
 *                   end. The bound costs no memory (lines are not buffered); it keeps a line within what
 *                   the next hop and a mail reader can be expected to handle.
 * SMTP-32           All other octets, 8-bit included, are stored unchanged.
 */
package dev.quail.protocols.smtp;

final class DataReader {

  static final int MAX_TEXT_LINE_OCTETS = 64 * 1024;

  enum Outcome { READING, ENDED, BARE_LINE_ENDING }

  /** Where in a line the reader is; DOT states are a "." at the start of a line. */
  private enum State { LINE_START, TEXT, CR, DOT, DOT_CR }

  private final StoredMessage message;
  private State state = State.LINE_START;
  private Outcome outcome = Outcome.READING;
  private long lineOctets;
  private boolean lineTooLong;

  DataReader(StoredMessage message) {
    this.message = message;
  }

  /** Consumes bytes until the data ends or is refused; returns the index after the last one consumed. */
  int read(byte[] bytes, int from, int to) {
    int i = from;
    while (i < to) {
      if (state == State.TEXT) {
        // Inside a line only CR and LF matter: hand the run before them to the message in one piece.
        int end = i;
        while (end < to && bytes[end] != '\r' && bytes[end] != '\n') end++;
        if (end > i) {
          message.putRun(bytes, i, end);
          count(end - i);
          i = end;
          continue;
        }
      }
      if (!step(bytes[i++])) {
        return i;
      }
    }
    return to;
  }

  Outcome outcome() {
    return outcome;
  }

  boolean lineTooLong() {
    return lineTooLong;
  }

  StoredMessage message() {
    return message;
  }

  /** Returns false once the outcome is decided. */
  private boolean step(byte b) {
    count(1);
    switch (state) {
      case LINE_START -> {
        if (b == '.') {
          state = State.DOT;
        } else {
          text(b);
        }
      }
      case TEXT -> text(b);
      case DOT -> {
        if (b == '\r') {
          state = State.DOT_CR;
        } else {
          text(b);
        }
      }
      case CR -> {
        if (b != '\n') {
          return refuse();
        }
        message.put(b);
        endLine();
      }
      case DOT_CR -> {
        if (b != '\n') {
          return refuse();
        }
        endLine();
        outcome = Outcome.ENDED;
        return false;
      }
    }
    return outcome == Outcome.READING;
  }

  private void text(byte b) {
    if (b == '\r') {
      state = State.CR;
    } else if (b == '\n') {
      refuse();
    } else {
      message.put(b);
      state = State.TEXT;
    }
  }

  private boolean refuse() {
    outcome = Outcome.BARE_LINE_ENDING;
    return false;
  }

  private void count(int octets) {
    lineOctets += octets;
    if (lineOctets > MAX_TEXT_LINE_OCTETS) {
      lineTooLong = true;
    }
  }

  private void endLine() {
    lineOctets = 0;
    state = State.LINE_START;
  }
}
