/*
 * ClientSession: one outgoing SMTP connection (qmail-remote's dialogue, REM-11..21) as a pure state
 * machine. The I/O edge feeds it the server's bytes in any chunking and performs its outputs in order;
 * it never blocks or reads a clock, and is not thread-safe (one connection, one caller at a time).
 *
 * Dialogue: 220 greeting, then EHLO helohost (HELO when EHLO gets 5xx; the name must get 250); STARTTLS as
 * the TlsPolicy says (RFC 3207: on 220 the edge makes the connection TLS, whatever else the server sent in
 * clear is discarded, and EHLO is sent again under TLS, as sec. 4.2 requires); then per
 * transaction MAIL FROM (SIZE= and BODY=8BITMIME when offered and useful), one RCPT per recipient,
 * DATA, the message and the final reply. With PIPELINING, MAIL, every RCPT and DATA go in one write
 * (RFC 2920); otherwise each command waits for its reply. The message never passes through here: on
 * 354 the session asks the edge to stream it (SendBody) and waits for bodySent() before it reads a
 * reply; a reply before that is a broken server, and a message the edge cannot read (bodyFailed())
 * ends the connection without the final dot, so the server drops the part it got. Beyond qmail, the
 * connection is kept after a transaction: it is Ready for the next one at once after a final reply,
 * or after a RSET (250) when a transaction ended early; the edge ends it with quit() (QUIT, then Close
 * on the reply), which never cuts a transaction: asked while one runs, the QUIT follows its end. A 421
 * reply, a failed RSET or an unexpected reply end the connection (Close).
 *
 * RFC 1870: SIZE= gives the message's size as stored (LF line ends, as Postfix gives its queue file's
 * size; the server counts a CR more per line), and a message larger than the limit the server states
 * in its EHLO reply is not offered: it fails permanently, in Postfix's words (#5.3.4).
 *
 * A server that breaks the bounds the client keeps (ReplyReader: reply line length and lines per reply;
 * Extensions: EHLO keywords) or replies before the end of the message is not speaking SMTP: what was
 * not settled is deferred (#4.5.0) and the connection closed. So is a transaction the edge cuts at its
 * deadline (deadline(), #4.4.2).
 *
 * Results follow qmail-remote and qmail-rspawn (REM-20, REM-21): each recipient's RCPT reply (5xx "does
 * not like recipient" = failure, 4xx = deferral, else accepted) combined with the message's outcome
 * ("sender was rejected", "Giving up on IP." when no recipient was accepted, "failed on DATA command",
 * "failed after I sent the message", "accepted message"); a refused recipient's report also carries the
 * message's report when that is no better. A connection lost or timed out mid-transaction (closed())
 * defers what was not settled, with "Possible duplicate!" once the final dot was sent (REM-14); so do
 * the protocol errors and the deadline above.
 */
package dev.quail.protocols.smtpclient;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

public final class ClientSession {

    private enum Step { GREETING, EHLO, HELO, STARTTLS, MAIL, RCPT, DATA, DOT, DOT_DISCARD, RSET, QUIT }

    /** How the connection goes on after a transaction. */
    private enum After { READY, RSET, CLOSE }

    private record Expect(Step step, int recipient) {}

    private static final int SERVICE_CLOSING = 421;

    private final String helo;
    private final String peer;
    private final TlsPolicy tlsPolicy;
    private ReplyReader reader = new ReplyReader();
    private boolean tls;
    private boolean startingTls;
    private final ArrayDeque<Expect> expected = new ArrayDeque<>();
    private Extensions extensions = Extensions.NONE;
    private boolean greeted;
    private boolean closed;
    private Transaction pending;
    private Transaction tx;
    private boolean pipelined;
    private boolean sendingBody;
    private boolean quitting;
    private Reply mail;
    private Reply[] rcpt;
    private Report decided;
    private boolean critical;

    /**
     * @param heloHost  the name for EHLO/HELO (control/helohost)
     * @param peer      the server's IP address as reports show it
     * @param tlsPolicy whether to use STARTTLS, and whether it is required
     */
    public ClientSession(String heloHost, String peer, TlsPolicy tlsPolicy) {
        this.helo = Objects.requireNonNull(heloHost);
        this.peer = Objects.requireNonNull(peer);
        this.tlsPolicy = Objects.requireNonNull(tlsPolicy);
        expected.add(new Expect(Step.GREETING, 0));
    }

    /** True when send() may be called: before the greeting (once), or when the connection is Ready. */
    public boolean canSend() {
        return !closed && !quitting && tx == null && pending == null && (!greeted || expected.isEmpty());
    }

    /** Starts a transaction, or holds it until the greeting and EHLO are done. */
    public List<ClientOutput> send(Transaction transaction) {
        if (!canSend()) throw new IllegalStateException("the connection cannot take a transaction now");
        List<ClientOutput> out = new ArrayList<>();
        if (greeted) start(transaction, out);
        else pending = transaction;
        return out;
    }

    /** Bytes from the server. */
    public List<ClientOutput> receive(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        List<ClientOutput> out = new ArrayList<>();
        for (Reply reply : reader.feed(bytes, offset, length)) {
            if (closed || startingTls) break;
            if (sendingBody) {
                broken("a reply before the end of the message", out);
                break;
            }
            handle(reply, out);
        }
        if (startingTls) {
            reader = new ReplyReader(); // what came in clear after the 220 is not TLS's to read
        } else if (!closed && reader.violation().isPresent()) {
            broken(reader.violation().get(), out);
        }
        return out;
    }

    /** The edge wrote the whole message asked for by SendBody, end of data included. */
    public List<ClientOutput> bodySent() {
        if (!sendingBody) return List.of(); // the connection ended meanwhile
        sendingBody = false;
        critical = true;
        expect(Step.DOT);
        return List.of();
    }

    /**
     * The message could not be read while it was being sent: the connection ends without the final dot, so the
     * server drops what it got, and the transaction is deferred as qmail-remote defers it.
     */
    public List<ClientOutput> bodyFailed() {
        if (!sendingBody) return List.of();
        List<ClientOutput> out = new ArrayList<>();
        end(Report.deferral("Unable to read message. (#4.3.0)"), out);
        out.add(ClientOutput.Close.INSTANCE);
        return out;
    }

    /** The edge's deadline for the transaction in hand has passed: it is deferred and the connection ends. */
    public List<ClientOutput> deadline(long seconds) {
        if (closed) return List.of();
        List<ClientOutput> out = new ArrayList<>();
        end(connectedBut("the transaction took more than " + seconds + " seconds", "4.4.2"), out);
        out.add(ClientOutput.Close.INSTANCE);
        return out;
    }

    /** The handshake asked for by StartTls is done: EHLO again, under TLS. */
    public List<ClientOutput> tlsStarted() {
        if (!startingTls) throw new IllegalStateException("no StartTls is awaiting the handshake");
        startingTls = false;
        tls = true;
        if (closed) return List.of();
        expect(Step.EHLO);
        return List.of(write("EHLO " + helo + "\r\n"));
    }

    /** The handshake failed (or the certificate was refused): the connection is unusable. */
    public List<ClientOutput> tlsFailed(String reason) {
        startingTls = false;
        if (closed) return List.of();
        List<ClientOutput> out = new ArrayList<>();
        end(Report.deferral("TLS negotiation with " + peer + " failed: " + reason + " (#4.7.5)"), out);
        out.add(ClientOutput.Close.INSTANCE);
        return out;
    }

    /** Ends the connection: QUIT when it is idle, else once the transaction or command in hand is done. */
    public List<ClientOutput> quit() {
        if (closed || quitting) return List.of();
        quitting = true;
        if (greeted && tx == null && expected.isEmpty()) {
            List<ClientOutput> out = new ArrayList<>();
            ready(out);
            return out;
        }
        return List.of();
    }

    /** The connection was lost (EOF, error or timeoutremote): settles the transaction in hand, if any. */
    public List<ClientOutput> closed() {
        if (closed) return List.of();
        List<ClientOutput> out = new ArrayList<>();
        end(died(), out);
        return out;
    }

    /** The connection is over: the transaction in hand, if any, gets {@code report}. */
    private void end(Report report, List<ClientOutput> out) {
        closed = true;
        sendingBody = false;
        Transaction lost = tx != null ? tx : pending;
        if (lost == null) return;
        if (tx == null) rcpt = null;
        tx = null;
        pending = null;
        out.add(new ClientOutput.Finished(result(lost, report)));
    }

    /** A server past the client's bounds, or out of step: nothing it says can be trusted any more. */
    private void broken(String what, List<ClientOutput> out) {
        end(connectedBut("it sent " + what, "4.5.0"), out);
        out.add(ClientOutput.Close.INSTANCE);
    }

    private void handle(Reply reply, List<ClientOutput> out) {
        Expect e = expected.poll();
        if (e == null) {
            // Unsolicited (typically "421 timeout" on an idle connection): the server is going away.
            closed = true;
            out.add(ClientOutput.Close.INSTANCE);
            return;
        }
        switch (e.step()) {
            case GREETING -> onGreeting(reply, out);
            case EHLO -> onEhlo(reply, out);
            case HELO -> onHelo(reply, out);
            case STARTTLS -> onStartTls(reply, out);
            case MAIL -> onMail(reply, out);
            case RCPT -> onRcpt(e.recipient(), reply, out);
            case DATA -> onData(reply, out);
            case DOT -> onDot(reply, out);
            case DOT_DISCARD -> finish(decided, reply.code() == SERVICE_CLOSING ? After.CLOSE : After.RSET, out);
            case RSET -> onRset(reply, out);
            case QUIT -> {
                closed = true;
                out.add(ClientOutput.Close.INSTANCE);
            }
        }
    }

    private void onGreeting(Reply reply, List<ClientOutput> out) {
        if (reply.code() != 220) {
            fatal(Report.deferral("Connected to " + peer + " but greeting failed." + reply.said()), out);
            return;
        }
        expect(Step.EHLO);
        out.add(write("EHLO " + helo + "\r\n"));
    }

    private void onEhlo(Reply reply, List<ClientOutput> out) {
        if (reply.code() == 250) {
            Optional<Extensions> offered = Extensions.of(reply);
            if (offered.isEmpty()) {
                broken("an EHLO reply of more than " + Extensions.MAX_KEYWORDS + " keywords", out);
                return;
            }
            extensions = offered.get();
            if (!tls && tlsPolicy != TlsPolicy.NONE && extensions.startTls()) {
                expect(Step.STARTTLS);
                out.add(write("STARTTLS\r\n"));
            } else if (!tls && tlsPolicy == TlsPolicy.ENCRYPT) {
                fatal(Report.deferral("TLS required but not offered by " + peer + " (#4.7.0)"), out);
            } else {
                greeted(out);
            }
        } else if (reply.permanent()) {
            expect(Step.HELO);
            out.add(write("HELO " + helo + "\r\n"));
        } else {
            nameRejected(reply, out);
        }
    }

    private void onHelo(Reply reply, List<ClientOutput> out) {
        if (reply.code() != 250) {
            nameRejected(reply, out);
            return;
        }
        extensions = Extensions.NONE;
        if (!tls && tlsPolicy == TlsPolicy.ENCRYPT) {
            fatal(Report.deferral("TLS required but not offered by " + peer + " (#4.7.0)"), out);
            return;
        }
        greeted(out);
    }

    private void onStartTls(Reply reply, List<ClientOutput> out) {
        if (reply.code() == 220) {
            startingTls = true;
            out.add(ClientOutput.StartTls.INSTANCE);
        } else if (tlsPolicy == TlsPolicy.ENCRYPT) {
            fatal(Report.deferral("TLS required but refused by " + peer + " (#4.7.0)" + reply.said()), out);
        } else {
            greeted(out); // MAY: in clear, with what the EHLO in clear offered
        }
    }

    private void nameRejected(Reply reply, List<ClientOutput> out) {
        fatal(Report.deferral("Connected to " + peer + " but my name was rejected." + reply.said()), out);
    }

    private void greeted(List<ClientOutput> out) {
        greeted = true;
        if (pending == null) {
            ready(out);
            return;
        }
        Transaction t = pending;
        pending = null;
        start(t, out);
    }

    private void start(Transaction t, List<ClientOutput> out) {
        if (t.partialFinalLine()) {
            refuse(t, "SMTP cannot transfer messages with partial final lines. (#5.6.2)", out);
            return;
        }
        if (extensions.sizeLimit() > 0 && t.size() > extensions.sizeLimit()) {
            refuse(t, "message size " + t.size() + " exceeds size limit " + extensions.sizeLimit() + " of server "
                    + peer + " (#5.3.4)", out);
            return;
        }
        tx = t;
        mail = null;
        rcpt = new Reply[t.recipients().size()];
        critical = false;
        pipelined = extensions.pipelining();
        StringBuilder commands = new StringBuilder("MAIL FROM:<").append(Quote.address(t.sender())).append('>');
        if (extensions.size()) commands.append(" SIZE=").append(t.size());
        if (extensions.eightBitMime() && t.eightBit()) commands.append(" BODY=8BITMIME");
        commands.append("\r\n");
        expect(Step.MAIL);
        if (pipelined) {
            for (int i = 0; i < rcpt.length; i++) {
                commands.append(rcptCommand(i));
                expected.add(new Expect(Step.RCPT, i));
            }
            commands.append("DATA\r\n");
            expect(Step.DATA);
        }
        out.add(write(commands.toString()));
    }

    /** A transaction that cannot be offered to this server: it fails before MAIL, the connection stays. */
    private void refuse(Transaction t, String why, List<ClientOutput> out) {
        rcpt = null;
        out.add(new ClientOutput.Finished(result(t, Report.failure(why))));
        ready(out);
    }

    private String rcptCommand(int i) {
        return "RCPT TO:<" + Quote.address(tx.recipients().get(i)) + ">\r\n";
    }

    private void onMail(Reply reply, List<ClientOutput> out) {
        mail = reply;
        boolean rejected = reply.code() >= 400;
        if (reply.code() == SERVICE_CLOSING) {
            finish(senderRejected(), After.CLOSE, out);
        } else if (!pipelined && rejected) {
            finish(senderRejected(), After.RSET, out);
        } else if (!pipelined) {
            nextRcpt(0, out);
        }
    }

    private void onRcpt(int i, Reply reply, List<ClientOutput> out) {
        boolean mailRejected = mail.code() >= 400;
        if (!mailRejected) rcpt[i] = reply;
        if (reply.code() == SERVICE_CLOSING) {
            finish(mailRejected ? senderRejected() : died(), After.CLOSE, out);
            return;
        }
        if (pipelined) return;
        if (i + 1 < rcpt.length) {
            nextRcpt(i + 1, out);
        } else if (!anyAccepted()) {
            finish(givingUp(), After.RSET, out);
        } else {
            expect(Step.DATA);
            out.add(write("DATA\r\n"));
        }
    }

    private void nextRcpt(int i, List<ClientOutput> out) {
        expected.add(new Expect(Step.RCPT, i));
        out.add(write(rcptCommand(i)));
    }

    private void onData(Reply reply, List<ClientOutput> out) {
        After after = reply.code() == SERVICE_CLOSING ? After.CLOSE : After.RSET;
        if (mail.code() >= 400 || !anyAccepted()) {
            // Only when pipelined: the commands went before their replies said not to send a message.
            decided = mail.code() >= 400 ? senderRejected() : givingUp();
            if (reply.code() == 354) {
                expect(Step.DOT_DISCARD);
                out.add(write(".\r\n"));
            } else {
                finish(decided, after, out);
            }
        } else if (reply.code() >= 400) {
            String text = peer + " failed on DATA command." + reply.said();
            finish(reply.permanent() ? Report.failure(text) : Report.deferral(text), after, out);
        } else {
            sendingBody = true;
            out.add(ClientOutput.SendBody.INSTANCE);
        }
    }

    private void onDot(Reply reply, List<ClientOutput> out) {
        critical = false;
        After after = reply.code() == SERVICE_CLOSING ? After.CLOSE : After.READY;
        if (reply.code() >= 400) {
            String text = peer + " failed after I sent the message." + reply.said();
            finish(reply.permanent() ? Report.failure(text) : Report.deferral(text), after, out);
        } else {
            finish(Report.success(peer + " accepted message." + reply.said()), after, out);
        }
    }

    private void onRset(Reply reply, List<ClientOutput> out) {
        if (reply.code() / 100 == 2) {
            ready(out);
        } else {
            closed = true;
            out.add(write("QUIT\r\n"));
            out.add(ClientOutput.Close.INSTANCE);
        }
    }

    private void finish(Report message, After after, List<ClientOutput> out) {
        Transaction done = tx;
        tx = null;
        out.add(new ClientOutput.Finished(result(done, message)));
        switch (quitting && after == After.RSET ? After.READY : after) {
            case READY -> ready(out);
            case RSET -> {
                expect(Step.RSET);
                out.add(write("RSET\r\n"));
            }
            case CLOSE -> {
                closed = true;
                out.add(ClientOutput.Close.INSTANCE);
            }
        }
    }

    /** Ready for the next transaction, or QUIT when the edge asked for the end meanwhile. */
    private void ready(List<ClientOutput> out) {
        if (quitting) {
            expect(Step.QUIT);
            out.add(write("QUIT\r\n"));
        } else {
            out.add(ClientOutput.Ready.INSTANCE);
        }
    }

    /** A failure that ends the connection before any transaction could run (greeting, EHLO/HELO). */
    private void fatal(Report message, List<ClientOutput> out) {
        if (pending != null) {
            rcpt = null;
            out.add(new ClientOutput.Finished(result(pending, message)));
            pending = null;
        }
        closed = true;
        out.add(write("QUIT\r\n"));
        out.add(ClientOutput.Close.INSTANCE);
    }

    private TransactionResult result(Transaction t, Report message) {
        return TransactionResult.combine(peer, t.recipients().size(), rcpt, message);
    }

    private boolean anyAccepted() {
        for (Reply r : rcpt) {
            if (r != null && r.code() < 400) return true;
        }
        return false;
    }

    private Report senderRejected() {
        String text = "Connected to " + peer + " but sender was rejected." + mail.said();
        return mail.permanent() ? Report.failure(text) : Report.deferral(text);
    }

    private Report givingUp() {
        return Report.failure("Giving up on " + peer + ".");
    }

    private Report died() {
        return connectedBut("connection died", "4.4.2");
    }

    /** REM-14's form for a temporary failure after the connection was made. */
    private Report connectedBut(String what, String status) {
        return Report.deferral("Connected to " + peer + " but " + what + ". "
                + (critical ? "Possible duplicate! " : "") + "(#" + status + ")");
    }

    private void expect(Step step) {
        expected.add(new Expect(step, 0));
    }

    private static ClientOutput.Write write(String text) {
        return new ClientOutput.Write(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
