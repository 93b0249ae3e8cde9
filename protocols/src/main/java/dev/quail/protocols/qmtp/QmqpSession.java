/*
 * QmqpSession: qmail-qmqpd (QMQP-00, QMQP-01, cr.yp.to/proto/qmqp.html) as a pure state machine. Only clients the
 * engine trusts get one (control/qmqpclients): there is no relay control at all, and no databytes.
 *
 * QMQP-01 The request is one netstring holding netstring(message) netstring(sender) netstring(recipient)...;
 *         the message has LF line ends. The answer is one netstring, K, Z or D + text, and the connection ends:
 *         one message per connection. An address that is not acceptable (AddressField) refuses the whole message
 *         with "Dsorry, I can't accept addresses like that (#5.1.3)". The message is queued after a "with QMQP"
 *         Received line.
 * The message comes first and is handed on in Store pieces as it arrives; a request that is refused is discarded.
 * Quail: a request without message and sender fields is a protocol error, one without recipients is refused
 * (qmail-queue would take it and deliver it to nobody), and so is one listing more than QmtpSession.MAX_LISTED
 * (memory stays bounded: the list is judged and kept as it arrives). Malformed input ends the connection without
 * a reply, and so do the deadlines (Deadlines, ticked by the edge): silence for the idle time, the request arriving
 * at less than the minimum rate (counted from the connection's start), and the connection's lifetime.
 */
package dev.quail.protocols.qmtp;

import dev.quail.protocols.smtp.Deadlines;
import dev.quail.protocols.smtp.QueueResult;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

public final class QmqpSession implements NetstringSession {
    static final String NO_RECIPIENTS = "Dsorry, no recipients (#5.1.3)";
    static final String TOO_MANY_RECIPIENTS = "Dsorry, too many recipients (#5.5.3)";

    private final String me;
    private final String remoteIp;
    private final Clock clock;
    private final Deadlines deadlines;
    private final Request request = new Request();
    private final NetstringParser parser;
    private boolean done;

    public QmqpSession(String me, String remoteIp, Deadlines.Timing timing, Clock clock) {
        this.me = Objects.requireNonNull(me);
        this.remoteIp = Objects.requireNonNull(remoteIp);
        this.clock = Objects.requireNonNull(clock);
        this.deadlines = new Deadlines(timing, clock);
        this.parser = new NetstringParser(Netstrings.MAX_LENGTH, request);
        deadlines.messageStarted();
    }

    @Override
    public List<QmtpOutput> receive(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (done) return List.of();
        deadlines.received(length);
        List<QmtpOutput> out = new ArrayList<>();
        try {
            parser.feed(bytes, offset, length);
        } catch (NetstringException e) {
            return close(out, e.getMessage());
        }
        if (request.message != null) {
            for (byte[] piece : request.message.pieces.drain()) out.add(new QmtpOutput.Store(piece));
        }
        if (!request.complete) return out;
        done = true;
        String refusal = request.badAddress || !request.sender.acceptable() ? QmtpReplies.BAD_ADDRESS
                : request.tooMany ? TOO_MANY_RECIPIENTS
                : request.recipients.isEmpty() ? NO_RECIPIENTS : null;
        if (refusal != null) return answer(out, refusal);
        out.add(new QmtpOutput.Submit(request.sender.text(), request.recipients));
        request.message = null; // the queue's now: never discarded
        return out;
    }

    @Override
    public List<QmtpOutput> tick(boolean stressed) {
        if (done) return List.of();
        return deadlines.check(stressed).map(expired -> close(new ArrayList<>(), QmtpReplies.expired(expired)))
                .orElse(List.of());
    }

    /** Connected, and not a byte of its one request yet. */
    @Override
    public boolean idle() {
        return !done && parser.atBoundary();
    }

    @Override
    public List<QmtpOutput> evict() {
        return done ? List.of() : close(new ArrayList<>(), QmtpReplies.EVICTED);
    }

    @Override
    public List<QmtpOutput> queued(QueueResult result) {
        return answer(new ArrayList<>(), QmtpReplies.queued(result, clock.instant().getEpochSecond()));
    }

    private List<QmtpOutput> answer(List<QmtpOutput> out, String text) {
        request.discard(out);
        out.add(new QmtpOutput.Reply(Netstrings.encode(text.getBytes(StandardCharsets.ISO_8859_1))));
        return close(out, "answered");
    }

    /** Ends the connection; a message still being read, or refused, is discarded first. */
    private List<QmtpOutput> close(List<QmtpOutput> out, String reason) {
        done = true;
        request.discard(out);
        out.add(new QmtpOutput.Close(reason));
        return out;
    }

    /** The one request: message, sender, then recipients, inside the outer netstring. */
    private final class Request implements NetstringParser.Handler {
        private int field;
        private boolean complete;
        private MessageField message;
        private AddressField sender;
        private AddressField recipient;
        private final List<String> recipients = new ArrayList<>();
        private boolean badAddress;
        private boolean tooMany;

        @Override
        public boolean begin(int depth, long length) {
            if (depth == 0) return true;
            if (field == 0) {
                message = MessageField.qmqp(ReceivedLine.format("QMQP", remoteIp, me, clock.instant()));
            } else if (field == 1) {
                sender = new AddressField(length);
            } else {
                recipient = new AddressField(length);
            }
            return false;
        }

        @Override
        public void content(int depth, byte[] bytes, int offset, int length) throws NetstringException {
            if (field == 0) message.append(bytes, offset, length);
            else if (field == 1) sender.append(bytes, offset, length);
            else recipient.append(bytes, offset, length);
        }

        @Override
        public boolean end(int depth) throws NetstringException {
            if (depth == 1) {
                if (field >= 2) keep(recipient);
                field++;
                return false;
            }
            if (field < 2) throw NetstringException.syntax("QMQP request without message and sender");
            complete = true;
            return true;
        }

        private void keep(AddressField r) {
            if (!r.acceptable()) badAddress = true;
            else if (recipients.size() == QmtpSession.MAX_LISTED) tooMany = true;
            else recipients.add(r.text());
        }

        /** Tells the edge, once, to forget the message unless it was submitted. */
        void discard(List<QmtpOutput> out) {
            if (message == null || message.pieces.discarded()) return;
            message.pieces.discard();
            out.add(new QmtpOutput.Discard());
        }
    }
}
