/*
 * QmtpSession: qmail-qmtpd (QMTP-00..06, cr.yp.to/proto/qmtp.txt) as a pure state machine.
 *
 * QMTP-01 No greeting. Packages follow each other back to back; each is answered only after its last byte.
 * QMTP-02 Package = netstring(message) netstring(sender) netstring(netstring(recipient)...).
 * QMTP-03 The message's encoding byte: see MessageField.
 * QMTP-04 One reply netstring per recipient, in order: K (queued), Z (temporary), D (permanent) + text; every
 *         queued recipient hears the queue's one answer.
 * QMTP-05 A recipient that is not an acceptable address (AddressField), or is refused by rcpthosts/relayclients,
 *         hears its own D; otherwise, when databytes is exceeded, or else when the sender is not acceptable, every
 *         recipient hears that D. Nothing is queued unless some recipient is acceptable.
 * QMTP-06 The message is queued after a "with QMTP" Received line; no hop counting.
 * The message comes first and is handed on in Store pieces as it arrives; a package that turns out not to be
 * queued (too big, refused sender, no acceptable recipient, bad input) is discarded. Recipients are judged as they
 * arrive and only the accepted ones are kept, so a long list costs its verdicts, not its addresses.
 * Quail's bounds: recipients beyond the policy's maxRecipients hear Z (the client retries them later); a package
 * listing more than {@link #MAX_LISTED} recipients, a netstring over {@link Netstrings#MAX_LENGTH} (resource error
 * in qmail) and malformed input (protocol error) end the connection without a reply. So do the deadlines
 * (Deadlines, ticked by the edge): silence for the idle time, a package arriving at less than the minimum rate from
 * its first byte to its last, and the connection's lifetime (qmail-qmtpd's one-hour alarm, QMTP-06).
 */
package dev.quail.protocols.qmtp;

import dev.quail.protocols.smtp.Deadlines;
import dev.quail.protocols.smtp.QueueResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

public final class QmtpSession implements NetstringSession {
    /** Recipients one package may list; beyond it the connection ends, so replies stay bounded in memory too. */
    public static final int MAX_LISTED = 10_000;

    private static final byte[] NOTHING = new byte[0];

    private final QmtpPolicy policy;
    private final String remoteIp;
    private final Clock clock;
    private final Deadlines deadlines;
    private final Package reading = new Package();
    private final NetstringParser parser;
    private boolean awaitingQueue;
    private boolean closed;
    private byte[] held = NOTHING;

    public QmtpSession(QmtpPolicy policy, String remoteIp, Deadlines.Timing timing, Clock clock) {
        this.policy = Objects.requireNonNull(policy);
        this.remoteIp = Objects.requireNonNull(remoteIp);
        this.clock = Objects.requireNonNull(clock);
        this.deadlines = new Deadlines(timing, clock);
        this.parser = new NetstringParser(Netstrings.MAX_LENGTH, reading);
    }

    @Override
    public List<QmtpOutput> receive(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (closed) return List.of();
        deadlines.received(length);
        if (awaitingQueue) {
            byte[] more = Arrays.copyOf(held, held.length + length);
            System.arraycopy(bytes, offset, more, held.length, length);
            held = more;
            return List.of();
        }
        List<QmtpOutput> out = new ArrayList<>();
        process(bytes, offset, offset + length, out);
        return out;
    }

    @Override
    public List<QmtpOutput> queued(QueueResult result) {
        if (closed) return List.of();
        if (!awaitingQueue) throw new IllegalStateException("no Submit is awaiting the queue");
        awaitingQueue = false;
        deadlines.resumed();
        List<QmtpOutput> out = new ArrayList<>();
        out.add(reading.reply(QmtpReplies.queued(result, clock.instant().getEpochSecond())));
        byte[] rest = held;
        held = NOTHING;
        process(rest, 0, rest.length, out);
        return out;
    }

    @Override
    public List<QmtpOutput> tick(boolean stressed) {
        if (closed || awaitingQueue) return List.of();
        return deadlines.check(stressed).map(expired -> end(QmtpReplies.expired(expired))).orElse(List.of());
    }

    @Override
    public boolean idle() {
        return !closed && !awaitingQueue && parser.atBoundary();
    }

    @Override
    public List<QmtpOutput> evict() {
        return closed ? List.of() : end(QmtpReplies.EVICTED);
    }

    private List<QmtpOutput> end(String reason) {
        List<QmtpOutput> out = new ArrayList<>();
        reading.discard(out);
        closed = true;
        out.add(new QmtpOutput.Close(reason));
        return out;
    }

    private void process(byte[] bytes, int from, int to, List<QmtpOutput> out) {
        int at = from;
        while (at < to && !closed && !awaitingQueue) {
            if (parser.atBoundary()) deadlines.messageStarted();
            try {
                at += parser.feed(bytes, at, to - at);
            } catch (NetstringException e) {
                reading.discard(out);
                closed = true;
                out.add(new QmtpOutput.Close(e.getMessage()));
                return;
            }
            reading.store(out);
            if (reading.complete) finish(out);
        }
        if (awaitingQueue && at < to) held = Arrays.copyOfRange(bytes, at, to);
    }

    /** A package was read to its last byte: reply now, or submit and reply when the queue answers. */
    private void finish(List<QmtpOutput> out) {
        reading.complete = false;
        deadlines.messageEnded();
        String common = reading.message.pieces.tooBig() ? QmtpReplies.TOO_BIG
                : !reading.sender.acceptable() ? QmtpReplies.UNACCEPTABLE_SENDER
                : policy.storageLow().getAsBoolean() ? QmtpReplies.STORAGE_LOW : null;
        if (common != null || reading.accepted.isEmpty()) {
            reading.discard(out);
            out.add(reading.reply(common));
            return;
        }
        awaitingQueue = true;
        out.add(new QmtpOutput.Submit(reading.sender.text(), reading.accepted));
    }

    /** The package being read, field by field, and the verdicts on its recipients. */
    private final class Package implements NetstringParser.Handler {
        private int field;
        private boolean complete;
        /** The message of the package being read; null between packages. */
        private MessageField message;
        private AddressField sender;
        private AddressField recipient;
        private final List<String> accepted = new ArrayList<>();
        /** Per listed recipient: its own reply, or null while it waits for the package's common answer. */
        private final List<String> replies = new ArrayList<>();

        @Override
        public boolean begin(int depth, long length) throws NetstringException {
            if (depth == 1) {
                if (replies.size() == MAX_LISTED) {
                    throw new NetstringException(NetstringException.Kind.TOO_LONG,
                            "more than " + MAX_LISTED + " recipients in one package");
                }
                recipient = new AddressField(length);
                return false;
            }
            if (field == 0) {
                message = MessageField.qmtp(ReceivedLine.format("QMTP", remoteIp, policy.me(), clock.instant()),
                        policy.databytes(), length);
            } else if (field == 1) {
                sender = new AddressField(length);
            } else {
                return true;
            }
            return false;
        }

        @Override
        public void content(int depth, byte[] bytes, int offset, int length) throws NetstringException {
            if (depth == 1) recipient.append(bytes, offset, length);
            else if (field == 0) message.append(bytes, offset, length);
            else sender.append(bytes, offset, length);
        }

        @Override
        public boolean end(int depth) {
            if (depth == 1) {
                replies.add(judge(recipient));
                return false;
            }
            if (field == 0) message.end();
            field++;
            if (field < 3) return false;
            field = 0;
            complete = true;
            return true;
        }

        /** The recipient's own reply, or null when it is accepted (and kept) to hear the package's answer. */
        private String judge(AddressField r) {
            if (!r.acceptable()) return QmtpReplies.BAD_RECIPIENT;
            if (!policy.recipientAllowed().test(r.text())) return QmtpReplies.NOT_RCPTHOST;
            if (accepted.size() == policy.maxRecipients()) return QmtpReplies.TOO_MANY_RECIPIENTS;
            accepted.add(r.text());
            return null;
        }

        /** Hands on what was read of the message, or discards it once it is too big. */
        void store(List<QmtpOutput> out) {
            if (message == null) return;
            if (message.pieces.tooBig()) discard(out);
            for (byte[] piece : message.pieces.drain()) out.add(new QmtpOutput.Store(piece));
        }

        /** Tells the edge, once, to forget the message being read. */
        void discard(List<QmtpOutput> out) {
            if (message == null || message.pieces.discarded()) return;
            message.pieces.discard();
            out.add(new QmtpOutput.Discard());
        }

        /** One netstring per recipient: its own reply, else {@code common}; the package is then forgotten. */
        QmtpOutput.Reply reply(String common) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (String r : replies) {
                Netstrings.write(b, (r != null ? r : common).getBytes(StandardCharsets.ISO_8859_1));
            }
            replies.clear();
            accepted.clear();
            message = null;
            return new QmtpOutput.Reply(b.toByteArray());
        }
    }
}
