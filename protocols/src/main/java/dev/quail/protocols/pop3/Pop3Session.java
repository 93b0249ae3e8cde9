/*
 * Pop3Session: one POP3 server connection (RFC 1939, CAPA from RFC 2449) as a pure state machine: qmail-popup for
 * the AUTHORIZATION state, then qmail-pop3d for TRANSACTION and UPDATE (QMAIL-REFERENCE §12). The I/O edge feeds
 * socket bytes in any chunking and performs the outputs in order; it answers an Authenticate with loggedIn() and a
 * Commit with committed(). Input arriving meanwhile is held and replayed, so pipelined commands (CAPA PIPELINING)
 * are answered in order. Not thread-safe: one connection, one caller at a time.
 *
 * POP-01 Greeting "+OK <timestamp>", the APOP timestamp the edge makes unique per connection.
 * POP-02 Commands are case-insensitive; lines end in LF or CRLF; the argument starts after the spaces that follow
 *        the verb. USER (empty: "-ERR syntax error") "+OK "; PASS without USER "-ERR USER first"; APOP name digest;
 *        QUIT, NOOP, CAPA; anything else "-ERR authorization first". qmail's bare replies are "+OK " (trailing space).
 * POP-03 One authentication attempt per connection: PASS or APOP leads to Authenticate, and a refusal ends it.
 * POP-11 The mailbox view is the one given at login: mail delivered later waits for the next session.
 * POP-12 STAT, LIST [n], UIDL [n], RETR n, TOP n [k] (no k: the whole message), DELE n (marks only), RSET
 *        (unmarks all, LAST back to 0), LAST (highest number given to DELE since RSET), NOOP, QUIT; anything else
 *        "-ERR unimplemented".
 * POP-13 Message numbers as qmail reads them (leading digits): none "-ERR syntax error", 0 "-ERR messages are
 *        counted from 1", too large "-ERR not that many messages", deleted "-ERR already deleted".
 * POP-15 QUIT commits (Commit), then "+OK "; a connection that ends without QUIT removes nothing.
 * STLS (RFC 2595 §4, not in qmail): where the edge can do TLS ({@code tlsAvailable}), CAPA in the AUTHORIZATION
 *        state lists STLS and STLS answers "+OK begin TLS negotiation" then StartTls. Whatever follows the STLS line
 *        in the input already received, and anything received until tlsStarted(), is discarded unread, so no
 *        command sent in clear is answered inside TLS (the CVE-2011-0411 class). Under TLS the session is a fresh
 *        AUTHORIZATION state (a USER given before is forgotten), CAPA no longer lists STLS and STLS is
 *        "-ERR TLS already active". Without TLS, STLS is an unknown command as in qmail-popup. USER/PASS stay
 *        allowed in clear, as in qmail-popup, for the clients that never learnt STLS.
 * Departures: STAT counts only undeleted messages, as RFC 1939 §5 requires (qmail-pop3d counted deleted ones too);
 * a command line over {@link #MAX_LINE} octets is discarded with "-ERR line too long" (qmail has no bound).
 * Deadlines (ticked by the edge, Deadlines): silent for timeoutpop3d (POP-01's 20 minutes by default), a command
 * line not complete timeoutpop3d after its first byte, or a session older than lifetimesmtpd: "-ERR" and Close,
 * nothing removed (POP-15). Under stress the idle and command deadlines shrink to timeoutstress. Nothing is timed
 * while the edge checks a login or commits.
 */
package dev.quail.protocols.pop3;

import dev.quail.protocols.smtp.Deadlines;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

public final class Pop3Session {
    /** The longest command line kept, CRLF excluded; RFC 2449 §4 allows clients 255 octets. */
    public static final int MAX_LINE = 1024;

    private enum Phase { AUTHORIZATION, AWAITING_TLS, AWAITING_LOGIN, TRANSACTION, AWAITING_COMMIT, CLOSED }

    private static final String OK = "+OK \r\n";
    private static final String CAPABILITIES = "+OK capability list follows\r\n"
            + "TOP\r\nUSER\r\nUIDL\r\nPIPELINING\r\n";
    private static final String CAPABILITIES_END = "IMPLEMENTATION Quail\r\n.\r\n";

    private final String timestamp;
    private final boolean tlsAvailable;
    private final Deadlines deadlines;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean lineTooLong;
    private Phase phase = Phase.AUTHORIZATION;
    private boolean tls;
    private byte[] held = new byte[0];
    private String user;
    private List<Pop3Entry> messages = List.of();
    private boolean[] deleted = new boolean[0];
    private int last;

    /**
     * @param timestamp    the greeting's "<unique@host>", which APOP digests include
     * @param tlsAvailable the edge can switch this connection to TLS: STLS is offered (false under implicit TLS)
     */
    public Pop3Session(String timestamp, boolean tlsAvailable, Deadlines.Timing timing, Clock clock) {
        this.timestamp = Objects.requireNonNull(timestamp);
        this.tlsAvailable = tlsAvailable;
        this.deadlines = new Deadlines(timing, clock);
    }

    /** What a client over the listener's connection limits hears before the connection is closed. */
    public static String busy() {
        return "-ERR too many connections, try again later\r\n";
    }

    public List<Pop3Output> start() {
        return List.of(reply("+OK " + timestamp));
    }

    /** Bytes from the socket; returns what to do about them. Nothing once closed. */
    public List<Pop3Output> receive(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        deadlines.received(length);
        if (phase == Phase.AWAITING_TLS) return List.of();
        if (phase == Phase.AWAITING_LOGIN || phase == Phase.AWAITING_COMMIT) {
            byte[] more = Arrays.copyOf(held, held.length + length);
            System.arraycopy(bytes, offset, more, held.length, length);
            held = more;
            return List.of();
        }
        List<Pop3Output> out = new ArrayList<>();
        process(bytes, offset, offset + length, out);
        return out;
    }

    /** The edge's answer to Authenticate, then the replies to any input held meanwhile. */
    public List<Pop3Output> loggedIn(LoginResult result) {
        if (phase != Phase.AWAITING_LOGIN) throw new IllegalStateException("no Authenticate is out");
        deadlines.resumed();
        List<Pop3Output> out = new ArrayList<>();
        if (result instanceof LoginResult.Opened opened) {
            messages = opened.messages();
            deleted = new boolean[messages.size()];
            phase = Phase.TRANSACTION;
            out.add(reply(OK));
            byte[] rest = held;
            held = new byte[0];
            process(rest, 0, rest.length, out);
        } else {
            String text = result instanceof LoginResult.Failed failed ? failed.text() : "authorization failed";
            out.add(err(text));
            close(out);
        }
        return out;
    }

    /** The edge's answer to Commit: whether every deleted message could be removed. Ends the session. */
    public List<Pop3Output> committed(boolean allRemoved) {
        if (phase != Phase.AWAITING_COMMIT) throw new IllegalStateException("no Commit is out");
        List<Pop3Output> out = new ArrayList<>();
        out.add(allRemoved ? reply(OK) : err("unable to unlink all deleted messages"));
        close(out);
        return out;
    }

    /** The TLS handshake asked for by StartTls is done: a fresh AUTHORIZATION state, under TLS. */
    public void tlsStarted() {
        if (phase != Phase.AWAITING_TLS) throw new IllegalStateException("no StartTls is out");
        tls = true;
        user = null;
        phase = Phase.AUTHORIZATION;
    }

    /** True between a StartTls and tlsStarted(). */
    public boolean awaitingTls() {
        return phase == Phase.AWAITING_TLS;
    }

    /** About once a second: ends the session when one of its deadlines has passed. */
    public List<Pop3Output> tick(boolean stressed) {
        if (phase != Phase.AUTHORIZATION && phase != Phase.TRANSACTION && phase != Phase.AWAITING_TLS) {
            return List.of();
        }
        return deadlines.check(stressed).map(expired -> end(switch (expired) {
            case IDLE, RATE -> "timeout";
            case COMMAND -> "command line too slow";
            case LIFETIME -> "connection too long";
        })).orElse(List.of());
    }

    /** Waiting for the client's next command: a connection the listener may close to make room. */
    public boolean idle() {
        return phase == Phase.AUTHORIZATION || phase == Phase.TRANSACTION;
    }

    /** Ends the session now: the listener is full and this connection was idle the longest. */
    public List<Pop3Output> evict() {
        return phase == Phase.CLOSED ? List.of() : end("too many connections, closing this idle one");
    }

    private List<Pop3Output> end(String why) {
        List<Pop3Output> out = new ArrayList<>();
        out.add(err(why));
        close(out);
        return out;
    }

    private void process(byte[] bytes, int from, int to, List<Pop3Output> out) {
        read(bytes, from, to, out);
        deadlines.partialLine(line.size() > 0 || lineTooLong);
    }

    private void read(byte[] bytes, int from, int to, List<Pop3Output> out) {
        for (int i = from; i < to; i++) {
            if (phase == Phase.CLOSED || phase == Phase.AWAITING_TLS) return;
            if (phase == Phase.AWAITING_LOGIN || phase == Phase.AWAITING_COMMIT) {
                held = Arrays.copyOfRange(bytes, i, to);
                return;
            }
            byte b = bytes[i];
            if (b != '\n') {
                if (line.size() < MAX_LINE + 1) line.write(b);
                else lineTooLong = true;
                continue;
            }
            byte[] raw = line.toByteArray();
            line.reset();
            deadlines.partialLine(false);
            int length = raw.length > 0 && raw[raw.length - 1] == '\r' ? raw.length - 1 : raw.length;
            if (lineTooLong || length > MAX_LINE) {
                lineTooLong = false;
                out.add(err("line too long"));
                continue;
            }
            command(new String(raw, 0, length, StandardCharsets.ISO_8859_1), out);
        }
    }

    private void command(String text, List<Pop3Output> out) {
        int space = text.indexOf(' ');
        String verb = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
        String arg = space < 0 ? "" : text.substring(space + 1).replaceFirst("^ +", "");
        if (verb.equals("CAPA")) {
            out.add(reply(CAPABILITIES + (stlsOffered() ? "STLS\r\n" : "") + CAPABILITIES_END));
        } else if (phase == Phase.AUTHORIZATION) {
            authorization(verb, arg, out);
        } else {
            transaction(verb, arg, out);
        }
    }

    private void authorization(String verb, String arg, List<Pop3Output> out) {
        switch (verb) {
            case "USER":
                if (arg.isEmpty()) {
                    out.add(err("syntax error"));
                } else {
                    user = arg;
                    out.add(reply(OK));
                }
                break;
            case "PASS":
                if (user == null) out.add(err("USER first"));
                else if (arg.isEmpty()) out.add(err("syntax error"));
                else authenticate(user, arg, false, out);
                break;
            case "APOP":
                int space = arg.indexOf(' ');
                if (space <= 0 || space == arg.length() - 1) out.add(err("syntax error"));
                else authenticate(arg.substring(0, space), arg.substring(space + 1), true, out);
                break;
            case "QUIT":
                out.add(reply(OK));
                close(out);
                break;
            case "NOOP":
                out.add(reply(OK));
                break;
            case "STLS":
                if (stlsOffered()) {
                    phase = Phase.AWAITING_TLS;
                    out.add(reply("+OK begin TLS negotiation"));
                    out.add(new Pop3Output.StartTls());
                } else {
                    out.add(err(tls ? "TLS already active" : "authorization first"));
                }
                break;
            default:
                out.add(err("authorization first"));
        }
    }

    /** RFC 2595 §4: STLS only in the AUTHORIZATION state, and only once. */
    private boolean stlsOffered() {
        return tlsAvailable && !tls && phase == Phase.AUTHORIZATION;
    }

    private void authenticate(String name, String secret, boolean apop, List<Pop3Output> out) {
        phase = Phase.AWAITING_LOGIN;
        out.add(new Pop3Output.Authenticate(name, secret.getBytes(StandardCharsets.ISO_8859_1), timestamp, apop));
    }

    private void transaction(String verb, String arg, List<Pop3Output> out) {
        switch (verb) {
            case "STAT": stat(out); break;
            case "LIST": listing(arg, false, out); break;
            case "UIDL": listing(arg, true, out); break;
            case "RETR": retrieve(arg, false, out); break;
            case "TOP": retrieve(arg, true, out); break;
            case "DELE": dele(arg, out); break;
            case "RSET":
                Arrays.fill(deleted, false);
                last = 0;
                out.add(reply(OK));
                break;
            case "LAST": out.add(reply("+OK " + last + "\r\n")); break;
            case "NOOP": out.add(reply(OK)); break;
            case "QUIT":
                List<Integer> gone = new ArrayList<>();
                for (int i = 0; i < deleted.length; i++) if (deleted[i]) gone.add(i);
                phase = Phase.AWAITING_COMMIT;
                out.add(new Pop3Output.Commit(gone));
                break;
            default: out.add(err("unimplemented"));
        }
    }

    private void stat(List<Pop3Output> out) {
        int count = 0;
        long octets = 0;
        for (int i = 0; i < messages.size(); i++) {
            if (deleted[i]) continue;
            count++;
            octets += messages.get(i).octets();
        }
        out.add(reply("+OK " + count + " " + octets + "\r\n"));
    }

    private void listing(String arg, boolean uidl, List<Pop3Output> out) {
        if (!arg.isEmpty()) {
            int i = number(arg, out);
            if (i >= 0) out.add(reply("+OK " + entry(i, uidl)));
            return;
        }
        StringBuilder b = new StringBuilder(OK);
        for (int i = 0; i < messages.size(); i++) if (!deleted[i]) b.append(entry(i, uidl));
        out.add(reply(b.append(".\r\n").toString()));
    }

    private String entry(int i, boolean uidl) {
        Pop3Entry m = messages.get(i);
        return (i + 1) + " " + (uidl ? m.uid() : Long.toString(m.octets())) + "\r\n";
    }

    private void retrieve(String arg, boolean top, List<Pop3Output> out) {
        int i = number(arg, out);
        if (i < 0) return;
        long bodyLines = -1;
        if (top) {
            String rest = arg.replaceFirst("^[0-9]*", "").replaceFirst("^ +", "");
            String digits = rest.replaceFirst("[^0-9].*$", "");
            if (!digits.isEmpty()) bodyLines = digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
        }
        out.add(new Pop3Output.Retrieve(i, bodyLines));
    }

    private void dele(String arg, List<Pop3Output> out) {
        int i = number(arg, out);
        if (i < 0) return;
        deleted[i] = true;
        last = Math.max(last, i + 1);
        out.add(reply(OK));
    }

    /** POP-13: the 0-based index of the message {@code arg} names, or -1 after replying with the error. */
    private int number(String arg, List<Pop3Output> out) {
        String digits = arg.replaceFirst("[^0-9].*$", "");
        if (digits.isEmpty()) {
            out.add(err("syntax error"));
            return -1;
        }
        String significant = digits.replaceFirst("^0+", "");
        if (significant.isEmpty()) {
            out.add(err("messages are counted from 1"));
            return -1;
        }
        if (significant.length() > 9 || Integer.parseInt(significant) > messages.size()) {
            out.add(err("not that many messages"));
            return -1;
        }
        int i = Integer.parseInt(significant) - 1;
        if (deleted[i]) {
            out.add(err("already deleted"));
            return -1;
        }
        return i;
    }

    private void close(List<Pop3Output> out) {
        phase = Phase.CLOSED;
        out.add(new Pop3Output.Close());
    }

    private static Pop3Output reply(String text) {
        return new Pop3Output.Reply(text.endsWith("\r\n") ? text : text + "\r\n");
    }

    private static Pop3Output err(String text) {
        return new Pop3Output.Reply("-ERR " + text + "\r\n");
    }
}
