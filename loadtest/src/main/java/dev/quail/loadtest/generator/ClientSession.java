/*
 * ClientSession: the generator's side of one SMTP connection as a pure state machine. The stream edge
 * feeds it reply lines and writes what it returns; it does no I/O and reads no clock.
 *
 * Conversation: greeting 220, EHLO, then messages back to back (send(job) when a Step says ready), then
 * QUIT. When EHLO offers PIPELINING (RFC 2920) MAIL, every RCPT and DATA go in one write and the body
 * goes after 354; otherwise one command per round trip. If 354 comes although no recipient was
 * accepted, only the "." is sent (RFC 2920 3.1).
 *
 * Recipient limits: a 452 to RCPT (RFC 5321 4.5.3.1.10, "too many recipients") is not a refusal. Once
 * the transaction has queued the accepted recipients, the deferred ones go in the next transaction of
 * the same message, and the session caps its transactions at the number the server accepted, the way
 * an MTA splits a long recipient list. A 452 in a transaction that got no recipient at all is a
 * refusal, so a server that defers everything cannot loop the session.
 *
 * A 421 at any point means the server is closing: the message under way is REJECTED and the session
 * ends. A line that is not a reply ends the session with the message under way FAILED.
 */
package dev.quail.loadtest.generator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

final class ClientSession {

    static final String HELLO = "quail-loadtest";

    private enum State { GREETING, EHLO, READY, ENVELOPE, DATA, QUIT, CLOSED }

    /** What to write (maybe nothing), the message that just ended, and whether a next message may start. */
    record Step(byte[] write, Optional<Outcome> outcome, boolean ready) {
        static final Step NONE = new Step(new byte[0], Optional.empty(), false);
    }

    private final String sender;
    private final ReplyReader reader = new ReplyReader();
    private State state = State.GREETING;
    private boolean pipelining;
    private int recipientCap = Integer.MAX_VALUE;
    private Optional<String> problem = Optional.empty();

    // The message under way.
    private Job job;
    private int nextRecipient;
    private final List<String> retry = new ArrayList<>();
    private int jobAccepted;
    private int jobRejected;
    private Optional<String> jobProblem = Optional.empty();

    // Its current transaction.
    private final List<String> commands = new ArrayList<>();
    private final List<String> txRecipients = new ArrayList<>();
    private final List<String> txDeferred = new ArrayList<>();
    private Optional<Reply> txDeferral = Optional.empty();
    private int sent;
    private int answered;
    private boolean mailOk;
    private int txAccepted;
    private boolean voidData;

    ClientSession(String sender) {
        this.sender = sender;
    }

    /** One reply line from the server, without its line end. */
    Step onLine(String line) {
        Optional<Reply> complete = reader.line(line);
        if (complete.isEmpty() || state == State.CLOSED) {
            return Step.NONE;
        }
        Reply reply = complete.get();
        if (reply.code() == 0) {
            return end(Outcome.Kind.FAILED, "not an SMTP reply: " + line);
        }
        if (reply.code() == 421 && state != State.QUIT) {
            return end(Outcome.Kind.REJECTED, reply.summary());
        }
        switch (state) {
            case GREETING:
                if (reply.code() != 220) {
                    return end(Outcome.Kind.REJECTED, "greeting " + reply.summary());
                }
                state = State.EHLO;
                return write("EHLO " + HELLO + "\r\n");
            case EHLO:
                if (!reply.positive()) {
                    return end(Outcome.Kind.REJECTED, "EHLO " + reply.summary());
                }
                pipelining = reply.lines().stream()
                        .anyMatch(l -> l.trim().split(" ", 2)[0].equalsIgnoreCase("PIPELINING"));
                state = State.READY;
                return new Step(new byte[0], Optional.empty(), true);
            case ENVELOPE:
                return envelopeReply(reply);
            case DATA:
                return dataReply(reply);
            case QUIT:
                state = State.CLOSED;
                return Step.NONE;
            default:
                return end(Outcome.Kind.REJECTED, "unexpected reply " + reply.summary());
        }
    }

    /** Starts a message; only when the last Step said ready. */
    byte[] send(Job next) {
        if (state != State.READY) {
            throw new IllegalStateException("not ready for a message: " + state);
        }
        job = next;
        nextRecipient = 0;
        retry.clear();
        jobAccepted = 0;
        jobRejected = 0;
        jobProblem = Optional.empty();
        return startTransaction();
    }

    /** Ends the session politely; only when the last Step said ready. */
    byte[] quit() {
        if (state != State.READY) {
            throw new IllegalStateException("cannot QUIT now: " + state);
        }
        state = State.QUIT;
        return ascii("QUIT\r\n");
    }

    /** The connection ended or broke: the message under way, if any, FAILED. */
    Optional<Outcome> connectionLost(String why) {
        boolean underWay = state == State.ENVELOPE || state == State.DATA;
        if (state != State.QUIT && state != State.CLOSED && problem.isEmpty()) {
            problem = Optional.of(why);
        }
        state = State.CLOSED;
        if (!underWay) {
            return Optional.empty();
        }
        jobProblem = jobProblem.or(() -> Optional.of(why));
        return Optional.of(new Outcome(Outcome.Kind.FAILED, job, jobAccepted, jobRejected, jobProblem));
    }

    boolean pipelining() {
        return pipelining;
    }

    /** True once QUIT was answered or the session was ended. */
    boolean closed() {
        return state == State.CLOSED;
    }

    /** True when the session ended only because it asked to (QUIT). */
    boolean quitting() {
        return state == State.QUIT;
    }

    /** Why the session ended early, if it did. */
    Optional<String> problem() {
        return problem;
    }

    private byte[] startTransaction() {
        txRecipients.clear();
        while (!retry.isEmpty() && txRecipients.size() < recipientCap) {
            txRecipients.add(retry.remove(0));
        }
        while (nextRecipient < job.recipients().size() && txRecipients.size() < recipientCap) {
            txRecipients.add(job.recipients().get(nextRecipient++));
        }
        commands.clear();
        commands.add("MAIL FROM:<" + sender + ">\r\n");
        for (String recipient : txRecipients) {
            commands.add("RCPT TO:<" + recipient + ">\r\n");
        }
        commands.add("DATA\r\n");
        txDeferred.clear();
        txDeferral = Optional.empty();
        sent = pipelining ? commands.size() : 1;
        answered = 0;
        mailOk = false;
        txAccepted = 0;
        voidData = false;
        state = State.ENVELOPE;
        return ascii(String.join("", commands.subList(0, sent)));
    }

    private Step envelopeReply(Reply reply) {
        int command = answered++;
        int data = commands.size() - 1;
        if (command == 0) {
            mailOk = reply.positive();
            note(reply);
        } else if (command < data) {
            recipientReply(txRecipients.get(command - 1), reply);
        } else {
            return dataCommandReply(reply);
        }
        if (pipelining || answered < sent) {
            return Step.NONE;
        }
        if (!mailOk) {
            jobRejected += txRecipients.size();
            return endTransaction(false);
        }
        if (sent == data && txAccepted == 0) {
            return endTransaction(false);
        }
        return write(commands.get(sent++));
    }

    private void recipientReply(String recipient, Reply reply) {
        if (reply.positive()) {
            txAccepted++;
        } else if (reply.code() == 452) {
            if (txDeferred.isEmpty() && txAccepted > 0) {
                recipientCap = Math.min(recipientCap, txAccepted);
            }
            txDeferred.add(recipient);
            txDeferral = txDeferral.or(() -> Optional.of(reply));
        } else {
            jobRejected++;
            note(reply);
        }
    }

    private Step dataCommandReply(Reply reply) {
        if (reply.code() == 354) {
            state = State.DATA;
            voidData = txAccepted == 0;
            if (voidData) {
                return write(".\r\n");
            }
            byte[] message = job.message();
            byte[] body = new byte[message.length + 3];
            System.arraycopy(message, 0, body, 0, message.length);
            body[message.length] = '.';
            body[message.length + 1] = '\r';
            body[message.length + 2] = '\n';
            return new Step(body, Optional.empty(), false);
        }
        if (mailOk && txAccepted > 0) {
            note(reply);
        }
        return endTransaction(false);
    }

    private Step dataReply(Reply reply) {
        if (voidData) {
            return endTransaction(false);
        }
        note(reply);
        return endTransaction(reply.positive());
    }

    private Step endTransaction(boolean queued) {
        if (queued) {
            jobAccepted += txAccepted;
            retry.addAll(txDeferred);
        } else {
            jobRejected += txAccepted + txDeferred.size();
            txDeferral.ifPresent(this::note);
        }
        if (queued && (!retry.isEmpty() || nextRecipient < job.recipients().size())) {
            return new Step(startTransaction(), Optional.empty(), false);
        }
        jobRejected += retry.size() + (job.recipients().size() - nextRecipient);
        Outcome.Kind kind = jobRejected == 0 && jobAccepted == job.recipients().size()
                ? Outcome.Kind.ACCEPTED : Outcome.Kind.REJECTED;
        Outcome outcome = new Outcome(kind, job, jobAccepted, jobRejected, jobProblem);
        job = null;
        state = State.READY;
        return new Step(new byte[0], Optional.of(outcome), true);
    }

    private Step end(Outcome.Kind kind, String why) {
        boolean underWay = state == State.ENVELOPE || state == State.DATA;
        problem = Optional.of(why);
        state = State.CLOSED;
        if (!underWay) {
            return Step.NONE;
        }
        jobProblem = jobProblem.or(() -> Optional.of(why));
        int rejected = job.recipients().size() - jobAccepted;
        Outcome outcome = new Outcome(kind, job, jobAccepted, rejected, jobProblem);
        job = null;
        return new Step(new byte[0], Optional.of(outcome), false);
    }

    private void note(Reply reply) {
        if (!reply.positive() && reply.code() != 354 && jobProblem.isEmpty()) {
            jobProblem = Optional.of(reply.summary());
        }
    }

    private static Step write(String text) {
        return new Step(ascii(text), Optional.empty(), false);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
