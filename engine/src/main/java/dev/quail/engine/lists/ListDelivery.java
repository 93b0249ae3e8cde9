package dev.quail.engine.lists;

import dev.quail.engine.delivery.Injector;
import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.delivery.ReceivedLine;
import dev.quail.engine.queue.Bounces;
import dev.quail.protocols.smtp.QueueResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Local delivery to a list's address, in place of ezmlm's .qmail files (EZ-01, EZ-04..07): LIST@ is a post
 * ({@link Distribution}), LIST-accept-/reject-...@ a moderator's decision ({@link Moderation}), LIST-return-...@ a
 * bounce ({@link Bouncer}), LIST-owner@ goes to the owner, and the
 * commands ({@link Commands}) answer the rest. Runs on the blocking-I/O executor, as every local delivery; an I/O
 * error is a deferral (ezmlm's exit 111), so the queue tries again.
 */
public final class ListDelivery {
    private final Injector injector;
    private final Supplier<Instant> clock;
    private final String postmaster;

    /** {@code postmaster}: where LIST-owner@ goes for a list without an owner. */
    public ListDelivery(Injector injector, Supplier<Instant> clock, String postmaster) {
        this.injector = injector;
        this.clock = clock;
        this.postmaster = postmaster;
    }

    /** Delivers {@code message} (queue id {@code messageId}) from {@code sender} to {@code target}. */
    public Outcome deliver(Lists.Target target, String messageId, String sender, InputStream message) {
        MailingList list = target.list();
        String ext = target.extension();
        try (message) {
            Moderation moderation = new Moderation(injector, clock.get(), postmaster);
            Distribution distribution = new Distribution(injector, moderation);
            if (ext.isEmpty()) return distribution.post(list, messageId, sender, message);
            if (Moderation.decision(ext)) return moderation.decide(list, ext, distribution);
            Optional<ReturnAddress> bounce = ReturnAddress.parse(ext);
            if (bounce.isPresent()) {
                return new Bouncer(clock.get().getEpochSecond()).record(list, bounce.get(), message);
            }
            if (ext.equalsIgnoreCase("owner")) {
                return queued(injector.inject(sender, List.of(list.owner().orElse(postmaster)), message,
                        ReceivedLine.Invoked.BY_UID, "list"), "forwarded to the owner");
            }
            return new Commands(injector, clock.get()).answer(list, ext, sender, message);
        } catch (IOException e) {
            return new Outcome.Deferral("Unable to handle mail for " + list.name() + ": " + e.getMessage()
                    + " (#4.3.0)");
        }
    }

    /** Whether a sender is one a list never answers (EZ-11): a bounce, a double bounce, no '@'. */
    static boolean unanswerable(String sender) {
        return sender.isEmpty() || sender.equals(Bounces.DOUBLE_BOUNCE_SENDER) || sender.indexOf('@') < 0;
    }

    /** Queues a message the list writes itself, from its trash return address (EZ-17: bounces of it are dropped). */
    static Outcome send(Injector injector, ListAddress list, String to, byte[] message, String what) {
        return queued(injector.inject(list.command("return-"), List.of(to), new ByteArrayInputStream(message),
                ReceivedLine.Invoked.BY_UID, "list"), what);
    }

    static Outcome queued(QueueResult result, String what) {
        if (result instanceof QueueResult.Queued q) return new Outcome.Success(what + ": qp " + q.id() + ".");
        String text = result instanceof QueueResult.Temporary t ? t.text() : ((QueueResult.Permanent) result).text();
        return new Outcome.Deferral("Unable to queue: " + text);
    }
}
