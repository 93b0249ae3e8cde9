/*
 * SmtpSession: one SMTP server connection (qmail-smtpd) as a pure state machine. The I/O edge
 * feeds it socket bytes in any chunking and performs the outputs in order: write each Reply,
 * store each piece of a message, forget it on Discard, hand each Submit to the queue, close on
 * Close. It never blocks, reads clocks only through the given Clock, and is not thread-safe (one
 * connection, one caller at a time).
 *
 * Memory: a message is never held whole. DATA is handed on as it arrives, in Store pieces (at
 * most one piece is kept between two receive() calls); a refused message is discarded at once
 * and the rest of it only counted to the final dot.
 *
 * Phases: COMMANDS (CommandFramer + SmtpCommands), DATA (DataReader), AWAITING_QUEUE (a
 * Submit is out), AWAITING_AUTH (an Authenticate is out), AWAITING_TLS (a StartTls is out),
 * CLOSED. While a Submit or an Authenticate is out, input is held back unprocessed and
 * replayed by queued() or authenticated(), so replies always come out in command order even
 * for a pipelined second message (RFC 2920). The edge should stop reading while it has an
 * output to answer: held input is the one buffer the session cannot bound by itself.
 *
 * Slow clients (Deadlines): the edge calls tick() about once a second. Silent for timeoutsmtpd:
 * 451 4.4.2 and Close (SMTP-35). A command line not complete timeoutsmtpd after its first byte, a
 * message arriving at less than datarate on average over a timeoutsmtpd window, a session older
 * than lifetimesmtpd: 421 4.4.2 and Close. While the listener is nearly full the idle and
 * command deadlines shrink to timeoutstress. A message being read when a deadline passes is
 * discarded. Nothing is timed while the session waits for the edge (queue, password check).
 *
 * STARTTLS (RFC 3207 sec. 4.2, the CVE-2011-0411 class): whatever follows the STARTTLS line in
 * the input already received, and anything received until tlsStarted(), is discarded unread,
 * so no command sent in clear can be answered inside TLS.
 *
 * A message is discarded as soon as it has a line over 64 KiB, too many hops or too many
 * octets; after its final dot (SMTP-06, SMTP-33, SMTP-34) the reply is 554 5.6.0 for the line,
 * else 554 5.4.6 for the hops (qmail checks hops before size), else 552 5.3.4; an accepted
 * message gets a Submit. A bare CR or LF in DATA discards it, then 451 4.5.0 and Close at once
 * (SMTP-31).
 */
package dev.quail.protocols.smtp;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

public final class SmtpSession {

  private enum Phase { COMMANDS, DATA, AWAITING_QUEUE, AWAITING_AUTH, AWAITING_TLS, CLOSED }

  private static final byte[] NOTHING = new byte[0];

  /** The DATA phase's state: whose message is being read, and the reader. */
  private record Receiving(SmtpCommands.Envelope envelope, DataReader reader) {}

  private final SmtpPolicy policy;
  private final Clock clock;
  private final Deadlines deadlines;
  private final SmtpCommands commands;
  private final CommandFramer framer = new CommandFramer();
  private Phase phase = Phase.COMMANDS;
  private Optional<Receiving> receiving = Optional.empty();
  private byte[] held = NOTHING;

  /** qmail's session: no STARTTLS, no AUTH, no deadlines (sendmail -bs). */
  public SmtpSession(SmtpPolicy policy, SmtpClient client, Clock clock) {
    this(policy, SmtpSecurity.NONE, client, Deadlines.Timing.NONE, clock);
  }

  public SmtpSession(SmtpPolicy policy, SmtpSecurity security, SmtpClient client, Deadlines.Timing timing,
      Clock clock) {
    this.policy = Objects.requireNonNull(policy);
    this.clock = Objects.requireNonNull(clock);
    this.deadlines = new Deadlines(timing, clock);
    this.commands = new SmtpCommands(policy, Objects.requireNonNull(security), Objects.requireNonNull(client),
        clock);
  }

  /** What a client over the listener's connection limits hears before the connection is closed. */
  /** SMTP-21: what a client that control/clients denies hears before the connection closes (RFC 5321 3.1's 554). */
  public static String denied() {
    return Replies.DENIED.text();
  }

  public static String busy() {
    return Replies.BUSY.text();
  }

  /** The greeting (SMTP-01). */
  public List<SmtpOutput> start() {
    return List.of(Replies.greeting(policy.greeting()));
  }

  /** Bytes from the socket; returns what to do about them. Nothing once closed. */
  public List<SmtpOutput> receive(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    deadlines.received(length);
    if (phase == Phase.AWAITING_QUEUE || phase == Phase.AWAITING_AUTH) {
      hold(bytes, offset, offset + length);
      return List.of();
    }
    List<SmtpOutput> out = new ArrayList<>();
    process(bytes, offset, offset + length, out);
    return out;
  }

  /** About once a second: closes the session when one of its deadlines has passed. */
  public List<SmtpOutput> tick(boolean stressed) {
    if (phase != Phase.COMMANDS && phase != Phase.DATA && phase != Phase.AWAITING_TLS) {
      return List.of();
    }
    return deadlines.check(stressed).map(expired -> switch (expired) {
      case IDLE -> timeout();
      case COMMAND -> closeWith(Replies.COMMAND_TOO_SLOW);
      case RATE -> closeWith(Replies.DATA_TOO_SLOW);
      case LIFETIME -> closeWith(Replies.LIFETIME_OVER);
    }).orElse(List.of());
  }

  /** The queue's answer to the last Submit, then the replies to any input held meanwhile. */
  public List<SmtpOutput> queued(QueueResult result) {
    if (phase == Phase.CLOSED) {
      return List.of();
    }
    if (phase != Phase.AWAITING_QUEUE) {
      throw new IllegalStateException("no Submit is awaiting the queue");
    }
    List<SmtpOutput> out = new ArrayList<>();
    if (result instanceof QueueResult.Queued queued) {
      out.add(Replies.queued(clock.instant().getEpochSecond(), queued.id()));
    } else if (result instanceof QueueResult.Temporary temporary) {
      out.add(Replies.queueTemporary(temporary.text()));
    } else if (result instanceof QueueResult.Permanent permanent) {
      out.add(Replies.queuePermanent(permanent.text()));
    }
    return resume(out);
  }

  /** The edge's verdict on the last Authenticate, then the replies to any input held meanwhile. */
  public List<SmtpOutput> authenticated(AuthResult result) {
    if (phase == Phase.CLOSED) {
      return List.of();
    }
    if (phase != Phase.AWAITING_AUTH) {
      throw new IllegalStateException("no Authenticate is awaiting an answer");
    }
    List<SmtpOutput> out = new ArrayList<>(commands.authenticated(Objects.requireNonNull(result)));
    if (out.get(out.size() - 1) instanceof SmtpOutput.Close) {
      phase = Phase.CLOSED;
      held = NOTHING;
      return out;
    }
    return resume(out);
  }

  /** The TLS handshake asked for by StartTls is done: the session starts afresh under TLS. */
  public void tlsStarted() {
    if (phase != Phase.AWAITING_TLS) {
      throw new IllegalStateException("no StartTls is awaiting the handshake");
    }
    commands.tlsStarted();
    phase = Phase.COMMANDS;
  }

  /** The client was silent too long (SMTP-35, timeoutsmtpd): a message being read is discarded. */
  public List<SmtpOutput> timeout() {
    return closeWith(Replies.TIMEOUT);
  }

  /** Waiting for the client's next command: a connection the listener may close to make room. */
  public boolean idle() {
    return phase == Phase.COMMANDS;
  }

  /** Ends the session now: the listener is full and this connection was idle the longest. */
  public List<SmtpOutput> evict() {
    return closeWith(Replies.EVICTED);
  }

  /** Ends the session with this reply; a message being read is discarded first. */
  private List<SmtpOutput> closeWith(SmtpOutput.Reply reply) {
    if (phase == Phase.CLOSED) {
      return List.of();
    }
    List<SmtpOutput> out = new ArrayList<>();
    if (phase == Phase.DATA) {
      discard(out);
    }
    phase = Phase.CLOSED;
    out.add(reply);
    out.add(new SmtpOutput.Close());
    return out;
  }

  /** True between a Submit and its queued(...) answer. */
  public boolean awaitingQueue() {
    return phase == Phase.AWAITING_QUEUE;
  }

  /** True between a StartTls and tlsStarted(). */
  public boolean awaitingTls() {
    return phase == Phase.AWAITING_TLS;
  }

  private List<SmtpOutput> resume(List<SmtpOutput> out) {
    deadlines.resumed();
    phase = Phase.COMMANDS;
    byte[] pending = held;
    held = NOTHING;
    process(pending, 0, pending.length, out);
    return out;
  }

  private void process(byte[] bytes, int from, int to, List<SmtpOutput> out) {
    int i = from;
    while (i < to && (phase == Phase.COMMANDS || phase == Phase.DATA)) {
      i = phase == Phase.COMMANDS ? readCommand(bytes, i, to, out) : readData(bytes, i, to, out);
    }
    if (phase == Phase.AWAITING_QUEUE || phase == Phase.AWAITING_AUTH) {
      hold(bytes, i, to);
    }
    deadlines.partialLine(phase == Phase.COMMANDS && framer.partial());
  }

  private int readCommand(byte[] bytes, int from, int to, List<SmtpOutput> out) {
    int next = framer.read(bytes, from, to);
    if (!framer.hasLine()) {
      return next;
    }
    Optional<String> line = framer.takeLine();
    deadlines.partialLine(false);
    List<SmtpOutput> outputs = line.isPresent() ? commands.execute(line.get()) : commands.tooLong();
    out.addAll(outputs);
    for (SmtpOutput output : outputs) {
      if (output instanceof SmtpOutput.Close) {
        phase = Phase.CLOSED;
      } else if (output instanceof SmtpOutput.StartTls) {
        phase = Phase.AWAITING_TLS;
      } else if (output instanceof SmtpOutput.Authenticate) {
        phase = Phase.AWAITING_AUTH;
      }
    }
    commands.takeDataStart().ifPresent(started -> {
      receiving = Optional.of(new Receiving(started,
          new DataReader(new StoredMessage(started.received(), policy.databytes()))));
      phase = Phase.DATA;
      deadlines.messageStarted();
    });
    return next;
  }

  private int readData(byte[] bytes, int from, int to, List<SmtpOutput> out) {
    DataReader reader = receiving.orElseThrow().reader();
    int next = reader.read(bytes, from, to);
    MessagePieces pieces = reader.message().pieces;
    Optional<SmtpOutput.Reply> refusal = refusal(reader);
    if (reader.outcome() == DataReader.Outcome.BARE_LINE_ENDING || refusal.isPresent()) {
      discard(out);
    } else {
      pieces.drain().forEach(piece -> out.add(new SmtpOutput.Store(piece)));
    }
    if (reader.outcome() == DataReader.Outcome.READING) {
      return next;
    }
    SmtpCommands.Envelope ended = receiving.orElseThrow().envelope();
    receiving = Optional.empty();
    deadlines.messageEnded();
    if (reader.outcome() == DataReader.Outcome.BARE_LINE_ENDING) {
      out.add(Replies.BARE_LINE_ENDING);
      out.add(new SmtpOutput.Close());
      phase = Phase.CLOSED;
      return next;
    }
    if (refusal.isPresent()) {
      out.add(refusal.get());
      phase = Phase.COMMANDS;
    } else {
      out.add(new SmtpOutput.Submit(ended.sender(), ended.recipients()));
      phase = Phase.AWAITING_QUEUE;
    }
    return next;
  }

  /** Why the message being read will be refused, in qmail's order, or empty while it is acceptable. */
  private Optional<SmtpOutput.Reply> refusal(DataReader reader) {
    if (reader.lineTooLong()) {
      return Optional.of(Replies.TEXT_LINE_TOO_LONG);
    }
    if (reader.message().hops() >= policy.maxHops()) {
      return Optional.of(Replies.LOOPING);
    }
    return reader.message().pieces.tooBig() ? Optional.of(Replies.TOO_BIG) : Optional.empty();
  }

  /** Tells the edge, once, to forget the message being read. */
  private void discard(List<SmtpOutput> out) {
    MessagePieces pieces = receiving.orElseThrow().reader().message().pieces;
    if (!pieces.discarded()) {
      pieces.discard();
      out.add(new SmtpOutput.Discard());
    }
  }

  private void hold(byte[] bytes, int from, int to) {
    int kept = held.length;
    held = Arrays.copyOf(held, kept + (to - from));
    System.arraycopy(bytes, from, held, kept, to - from);
  }
}
