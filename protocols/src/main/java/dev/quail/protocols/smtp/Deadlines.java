/*
 * Deadlines: the clock a server session (SMTP, QMTP, QMQP, POP3) keeps on its client, so that no client holds a
 * connection by being slow: a slow-drip client that sends one byte every few seconds resets any plain idle timer
 * forever. The session reports what it reads; the edge ticks it (about once a second) and closes the connection
 * when check() names an expired deadline. Pure: time comes from the given Clock only.
 *
 * IDLE      no byte for `idle` (timeoutsmtpd; timeoutstress while the listener is nearly full)
 * COMMAND   a command line not complete `idle` after its first byte (timeoutstress under stress)
 * RATE      a message arriving at less than `dataRate` bytes a second on average over a window of `idle`
 *           (timeoutsmtpd, never shortened): the window slides in steps of an eighth of it, so a message is
 *           judged once it has lasted a whole window, and then at every step, on the last whole window
 * LIFETIME  the session began `lifetime` ago, whatever it does
 * Time the server spends on the session's behalf (waiting for the queue, a password check) is not the
 * client's: resumed() starts its idle time over.
 */
package dev.quail.protocols.smtp;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

public final class Deadlines {
  public enum Expired { IDLE, COMMAND, RATE, LIFETIME }

  /** Limits of one session; dataRate 0 = no minimum rate. */
  public record Timing(Duration idle, Duration stressedIdle, long dataRate, Duration lifetime) {
    /** No deadline at all: for sessions no edge ticks (sendmail -bs on a pipe). */
    public static final Timing NONE = new Timing(Duration.ofDays(36_500), Duration.ofDays(36_500), 0,
        Duration.ofDays(36_500));

    public Timing {
      Objects.requireNonNull(idle);
      Objects.requireNonNull(stressedIdle);
      Objects.requireNonNull(lifetime);
    }
  }

  /** Steps of the rate window; one more slot holds the step in progress. */
  private static final int STEPS = 8;

  private final Timing timing;
  private final Clock clock;
  private final long start;
  private long lastByte;
  private long lineStart = -1;
  private long messageStart = -1;
  private final long step;
  private final long[] octets = new long[STEPS + 1];
  private long current;

  public Deadlines(Timing timing, Clock clock) {
    this.timing = Objects.requireNonNull(timing);
    this.clock = Objects.requireNonNull(clock);
    this.start = clock.millis();
    this.lastByte = start;
    this.step = Math.max(1, timing.idle().toMillis() / STEPS);
  }

  /** Bytes from the client (any count, 0 included: a TLS record without plaintext is the client too). */
  public void received(int count) {
    lastByte = clock.millis();
    if (messageStart >= 0) {
      advance(lastByte);
      octets[(int) (current % octets.length)] += count;
    }
  }

  /**
   * Whether a command line is partly read: false as each line completes, then, once the input is processed, true
   * when a line has begun (its first byte came with that input).
   */
  public void partialLine(boolean partial) {
    if (!partial) {
      lineStart = -1;
    } else if (lineStart < 0) {
      lineStart = lastByte;
    }
  }

  /** A message starts arriving (after 354, or at a package's first byte): the rate counts from now. */
  public void messageStarted() {
    messageStart = clock.millis();
    current = 0;
    Arrays.fill(octets, 0);
  }

  public void messageEnded() {
    messageStart = -1;
  }

  /** The server answered what it had made the client wait for: the client's idle time starts now. */
  public void resumed() {
    lastByte = clock.millis();
  }

  /** The deadline that has passed, if any; {@code stressed}: the listener is nearly full. */
  public Optional<Expired> check(boolean stressed) {
    long now = clock.millis();
    long idle = (stressed ? timing.stressedIdle() : timing.idle()).toMillis();
    if (now - start >= timing.lifetime().toMillis()) return Optional.of(Expired.LIFETIME);
    if (lineStart >= 0 && now - lineStart >= idle) return Optional.of(Expired.COMMAND);
    if (now - lastByte >= idle) return Optional.of(Expired.IDLE);
    if (messageStart >= 0 && timing.dataRate() > 0 && tooSlow(now)) return Optional.of(Expired.RATE);
    return Optional.empty();
  }

  /** Over the last STEPS whole steps, fewer octets than dataRate a second. */
  private boolean tooSlow(long now) {
    advance(now);
    if (current < STEPS) return false;
    long window = 0;
    for (int i = 0; i < octets.length; i++) {
      if (i != current % octets.length) window += octets[i];
    }
    return window * 1000 < timing.dataRate() * STEPS * step;
  }

  /** Moves to the step {@code now} falls in, emptying the slots of the steps passed. */
  private void advance(long now) {
    long target = (now - messageStart) / step;
    for (long s = current + 1; s <= target && s <= current + octets.length; s++) {
      octets[(int) (s % octets.length)] = 0;
    }
    current = Math.max(current, target);
  }
}
