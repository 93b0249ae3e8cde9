package dev.quail.engine.remote;

import dev.quail.engine.delivery.DeliveryResult;
import dev.quail.engine.delivery.MessageBody;
import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.log.MessageLog;
import dev.quail.persistence.body.Body;
import dev.quail.protocols.smtpclient.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The recipients of one {@link RemoteJob} that share a destination and an envelope sender: what one SMTP
 * transaction carries. Its delivery numbers (one per target, qmail-send's "delivery N") are drawn when the
 * batch starts, that is when it gets a connection or is settled without one, and kept if part of it has to
 * go again.
 */
record Batch(String messageId, MessageBody body, String sender, List<RemoteJob.Target> targets,
             ActorRef<DeliveryResult> replyTo, List<Long> numbers) {

    Batch {
        targets = List.copyOf(targets);
        numbers = List.copyOf(numbers);
    }

    boolean started() {
        return !numbers.isEmpty();
    }

    /** Numbers the batch and logs "starting delivery N: msg ID to remote ADDR" per target. */
    Batch start(AtomicLong counter) {
        if (started()) return this;
        List<Long> drawn = new ArrayList<>(targets.size());
        for (RemoteJob.Target t : targets) {
            long n = counter.incrementAndGet();
            drawn.add(n);
            MessageLog.starting(n, messageId, "remote", t.address());
        }
        return new Batch(messageId, body, sender, targets, replyTo, drawn);
    }

    /** Answers every target with {@code outcome} (numbering the batch first if it has no numbers yet). */
    void settle(AtomicLong counter, Outcome outcome) {
        Batch batch = start(counter);
        for (int i = 0; i < targets.size(); i++) batch.answer(i, outcome);
    }

    /** One target's result, to the log and to its Message; the batch must have started. */
    void answer(int i, Outcome outcome) {
        MessageLog.result(numbers.get(i), outcome);
        replyTo.tell(new DeliveryResult(targets.get(i).recipient(), outcome));
    }

    /** The targets at these indexes, keeping their numbers. */
    Batch subset(List<Integer> indexes) {
        List<RemoteJob.Target> t = new ArrayList<>(indexes.size());
        List<Long> n = new ArrayList<>(indexes.size());
        for (int i : indexes) {
            t.add(targets.get(i));
            if (started()) n.add(numbers.get(i));
        }
        return new Batch(messageId, body, sender, t, replyTo, n);
    }

    /** The envelope and what the SMTP dialogue needs to know of the body; the body itself is streamed. */
    Transaction transaction() {
        List<String> recipients = new ArrayList<>(targets.size());
        for (RemoteJob.Target t : targets) recipients.add(t.address());
        Body stored = body.body();
        return new Transaction(sender, recipients, stored.size(), stored.eightBit(), stored.partialFinalLine());
    }
}
