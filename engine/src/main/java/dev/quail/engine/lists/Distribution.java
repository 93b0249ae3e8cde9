package dev.quail.engine.lists;

import dev.quail.config.ControlFiles;
import dev.quail.config.ControlWriter;
import dev.quail.engine.delivery.Injector;
import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.delivery.ReceivedLine;
import dev.quail.protocols.smtp.QueueResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * ezmlm-send (EZ-24, EZ-50): a post is numbered and archived under the list's lock, then queued for the members
 * {@value #BATCH} at a time: one queued message per batch, its recipients the batch, its envelope sender the VERP
 * template {@code LIST-return-N-@DOMAIN-@[]}, so the queue gives each member their own return path. The members
 * are streamed from the subscriber files, so neither the list nor the post is ever whole in memory, and a list of
 * a million members makes a thousand queued copies of the post, not a million: the queue's body chunks belong to
 * one message, so a batch is the unit that shares a body, and a thousand recipients keep each message's journal
 * events and in-memory state small.
 *
 * <p>Crashes and retries: the archive file and num are written (fsynced) before any batch is queued, and
 * {@code sending/ID} records, after each batch is durably queued, how many members the post has reached. A retry of
 * the same queued message (the local delivery deferred, or the server died) takes the same number and goes on
 * after those members: members queued twice are at most one batch. A member added or removed while a post is
 * being sent may be counted on the wrong side of the point a retry resumes from (at worst one copy too many or
 * too few for those members).
 */
public final class Distribution {
    static final int BATCH = 1000;

    /** Where a post's fan-out starts: its number, and how many members a try before this one reached. */
    private record Resume(long number, long reached) {}

    private final Injector injector;
    private final Moderation moderation;

    Distribution(Injector injector, Moderation moderation) {
        this.injector = injector;
        this.moderation = moderation;
    }

    /**
     * Distributes {@code message} (the queued copy that reached LIST@DOMAIN, queue id {@code messageId}) from
     * {@code sender}, or holds it for the moderator; blocking.
     */
    Outcome post(MailingList list, String messageId, String sender, InputStream message) throws IOException {
        return distribute(list, messageId, sender, message, false);
    }

    /** Distributes a post the moderator accepted. */
    Outcome approved(MailingList list, String id, String sender, InputStream message) throws IOException {
        return distribute(list, id, sender, message, true);
    }

    private Outcome distribute(MailingList list, String messageId, String sender, InputStream message,
                               boolean approved) throws IOException {
        PostHeader header;
        try {
            header = PostHeader.read(message);
        } catch (PostHeader.TooLarge e) {
            return new Outcome.Failure("Sorry, " + e.getMessage() + ". (#5.3.4)");
        }
        Optional<Outcome> refused = Posting.refusal(list.name(), sender, header);
        if (refused.isPresent()) return refused.get();
        if (!approved) {
            // ezmlm's flags: -m holds every post; -m -u lets members through and holds the rest; -u refuses them.
            boolean member = (list.subscribersOnly() || list.moderated()) && list.subscribers().contains(sender);
            if (list.moderated() && !(list.subscribersOnly() && member)) {
                return moderation.hold(list, sender, header, message);
            }
            if (list.subscribersOnly() && !member) return Posting.notMember(list.name()).get();
        }
        Path progress = list.dir().resolve("sending").resolve(messageId.replaceAll("[^A-Za-z0-9._-]", "_"));
        Resume start = list.locked(() -> {
            List<String> saved = ControlFiles.list(progress);
            if (saved.size() == 1) {
                String[] p = saved.get(0).split(" ");
                long n = Long.parseLong(p[0]);
                if (list.lastNumber() < n) list.setLastNumber(n);
                return new Resume(n, Long.parseLong(p[1]));
            }
            long n = list.lastNumber() + 1;
            Path archive = list.archive(n);
            Files.createDirectories(archive.getParent());
            AtomicFile.replace(archive, out -> {
                out.write(Posting.listFields(list.name()));
                out.write(header.without(Posting.REMOVED));
                out.write('\n');
                message.transferTo(out);
            });
            ControlWriter.write(progress, List.of(n + " 0"));
            list.setLastNumber(n);
            return new Resume(n, 0);
        });
        long n = start.number();
        long reached = fanOut(list, n, start.reached(), progress);
        if (reached < 0) return new Outcome.Deferral("Unable to queue post " + n + " of " + list.name()
                + " to all its members; trying again later. (#4.3.0)");
        Files.deleteIfExists(progress);
        return new Outcome.Success(list.name() + ": post " + n + " queued for " + reached + " members.");
    }

    /** Queues post n for the members after the first {@code skip}; the members reached, or -1 when queueing failed. */
    private long fanOut(MailingList list, long n, long skip, Path progress) throws IOException {
        String sender = Posting.verpSender(list.name(), n);
        Path archive = list.archive(n);
        List<String> batch = new ArrayList<>(BATCH);
        long[] counts = {0, skip}; // seen, reached
        Subscribers.Visitor queue = member -> {
            if (member != null) batch.add(member);
            if (batch.isEmpty() || (member != null && batch.size() < BATCH)) return;
            QueueResult result = injector.inject(sender, List.copyOf(batch), Files.newInputStream(archive),
                    ReceivedLine.Invoked.BY_UID, "list");
            if (!(result instanceof QueueResult.Queued)) throw new NotQueued();
            counts[1] += batch.size();
            batch.clear();
            ControlWriter.write(progress, List.of(n + " " + counts[1]));
        };
        try {
            list.subscribers().forEach(member -> {
                if (counts[0]++ >= skip) queue.visit(member);
            });
            queue.visit(null); // the last, short batch
        } catch (NotQueued e) {
            return -1;
        }
        return counts[1];
    }

    /** The queue refused a batch: the fan-out stops here, to go on from its progress on the retry. */
    private static final class NotQueued extends IOException {
        NotQueued() {
            super("not queued", null);
        }
    }
}
