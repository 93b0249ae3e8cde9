/*
 * QmqpSession: qmail-qmqpd (QMQP-00, QMQP-01, cr.yp.to/proto/qmqp.html) as a pure state machine. Only clients the
 * engine trusts get one (control/qmqpclients): there is no relay control at all, and no databytes.
 *
 * QMQP-01 The request is one netstring holding netstring(message) netstring(sender) netstring(recipient)...;
 *         the message has LF line ends. The answer is one netstring, K, Z or D + text, and the connection ends:
 *         one message per connection. An address of >= 1000 bytes or with a NUL refuses the whole message with
 *         "Dsorry, I can't accept addresses like that (#5.1.3)". The message is queued after a "with QMQP"
 *         Received line.
 * Quail: a request without message and sender fields is a protocol error, and one without recipients is refused
 * (qmail-queue would take it and deliver it to nobody). Malformed input ends the connection without a reply.
 */
package dev.quail.protocols.qmtp;

import dev.quail.protocols.smtp.QueueResult;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

public final class QmqpSession implements NetstringSession {
    static final String NO_RECIPIENTS = "Dsorry, no recipients (#5.1.3)";

    private final String me;
    private final String remoteIp;
    private final Clock clock;
    private final Request request = new Request();
    private final NetstringParser parser;
    private boolean done;

    public QmqpSession(String me, String remoteIp, Clock clock) {
        this.me = Objects.requireNonNull(me);
        this.remoteIp = Objects.requireNonNull(remoteIp);
        this.clock = Objects.requireNonNull(clock);
        this.parser = new NetstringParser(Netstrings.MAX_LENGTH, request);
    }

    @Override
    public List<QmtpOutput> receive(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (done) return List.of();
        try {
            parser.feed(bytes, offset, length);
        } catch (NetstringException e) {
            return close(List.of(), e.getMessage());
        }
        if (!request.complete) return List.of();
        done = true;
        boolean addressesOk = request.sender.acceptable();
        for (AddressField r : request.recipients) addressesOk &= r.acceptable();
        if (!addressesOk) return answer(QmtpReplies.BAD_ADDRESS);
        if (request.recipients.isEmpty()) return answer(NO_RECIPIENTS);
        List<String> recipients = new ArrayList<>(request.recipients.size());
        for (AddressField r : request.recipients) recipients.add(r.text());
        return List.of(new QmtpOutput.Submit(request.sender.text(), recipients, request.message.bytes()));
    }

    @Override
    public List<QmtpOutput> queued(QueueResult result) {
        return answer(QmtpReplies.queued(result, clock.instant().getEpochSecond()));
    }

    private List<QmtpOutput> answer(String text) {
        return close(List.of(new QmtpOutput.Reply(Netstrings.encode(text.getBytes(StandardCharsets.ISO_8859_1)))),
                "answered");
    }

    private List<QmtpOutput> close(List<QmtpOutput> before, String reason) {
        done = true;
        List<QmtpOutput> out = new ArrayList<>(before);
        out.add(new QmtpOutput.Close(reason));
        return out;
    }

    /** The one request: message, sender, then recipients, inside the outer netstring. */
    private final class Request implements NetstringParser.Handler {
        private int field;
        private boolean complete;
        private MessageField message;
        private AddressField sender;
        private final List<AddressField> recipients = new ArrayList<>();

        @Override
        public boolean begin(int depth, long length) {
            if (depth == 0) return true;
            if (field == 0) {
                message = MessageField.qmqp(ReceivedLine.format("QMQP", remoteIp, me, clock.instant()), length);
            } else if (field == 1) {
                sender = new AddressField(length);
            } else {
                recipients.add(new AddressField(length));
            }
            return false;
        }

        @Override
        public void content(int depth, byte[] bytes, int offset, int length) throws NetstringException {
            if (field == 0) message.append(bytes, offset, length);
            else if (field == 1) sender.append(bytes, offset, length);
            else recipients.get(recipients.size() - 1).append(bytes, offset, length);
        }

        @Override
        public boolean end(int depth) throws NetstringException {
            if (depth == 1) {
                field++;
                return false;
            }
            if (field < 2) throw NetstringException.syntax("QMQP request without message and sender");
            complete = true;
            return true;
        }
    }
}
