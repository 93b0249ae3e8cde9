package dev.quail.engine.lists;

import dev.quail.config.ControlFiles;
import dev.quail.engine.delivery.Injector;
import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.delivery.ReceivedLine;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Moderated posting (EZ-41): a held post waits in {@code mod/pending/ID} (its sender on a first
 * {@code Return-Path:} line, then the message as it came) and the moderator (the owner, else the postmaster) gets
 * it with the two addresses that decide it, {@code LIST-accept-ID.C@DOMAIN} (its Reply-To: "just reply") and
 * {@code LIST-reject-ID.C@DOMAIN}, C the list's cookie over ID. Accepting distributes it as any post; rejecting
 * returns a note to the poster. The decision leaves {@code mod/accepted/ID} or {@code mod/rejected/ID} behind, so a
 * second, conflicting decision is refused and a repeated one is harmless. A cookie that does not check out decides
 * nothing. A post nobody decided on within the list's {@code modtime} hours (default 120, kept within 24 and 240:
 * ezmlm-clean's) goes back to its poster and is forgotten.
 */
final class Moderation {
    private static final Pattern DECISION = Pattern.compile("(?i:(accept|reject))-([0-9]{1,18}\\.[0-9a-z]{1,16})"
            + "\\.([a-p]{20})");
    private static final SecureRandom RANDOM = new SecureRandom();
    static final Duration MODTIME = Duration.ofHours(120);
    private static final Duration SHORTEST = Duration.ofHours(24);
    private static final Duration LONGEST = Duration.ofHours(240);

    private final Injector injector;
    private final Instant now;
    private final String postmaster;

    Moderation(Injector injector, Instant now, String postmaster) {
        this.injector = injector;
        this.now = now;
        this.postmaster = postmaster;
    }

    /** Whether {@code extension} is an accept or reject address (good or not). */
    static boolean decision(String extension) {
        return DECISION.matcher(extension).matches();
    }

    /** Holds a post ({@code header}, already read, then the rest of {@code body}) and asks the moderator. */
    Outcome hold(MailingList list, String sender, PostHeader header, InputStream body) throws IOException {
        String id = now.getEpochSecond() + "." + Long.toUnsignedString(RANDOM.nextLong() >>> 1, 36);
        Path pending = dir(list, "pending").resolve(id);
        Files.createDirectories(pending.getParent());
        AtomicFile.replace(pending, out -> {
            out.write(("Return-Path: <" + sender + ">\n").getBytes(StandardCharsets.UTF_8));
            out.write(header.without(Set.of()));
            out.write('\n');
            body.transferTo(out);
        });
        String cookie = Cookies.cookie(list.key(), 'a', id);
        ListAddress name = list.name();
        String accept = name.command("accept-" + id + "." + cookie);
        String reject = name.command("reject-" + id + "." + cookie);
        String moderator = list.owner().orElse(postmaster);
        String text = "A post to " + name + " from " + sender + " waits for you.\n\n"
                + "To accept it, reply to this message, or send an empty message to:\n   " + accept + "\n\n"
                + "To reject it, send a message to:\n   " + reject + "\n";
        try (InputStream post = stored(pending)) {
            return ListDelivery.queued(injector.inject(name.command("return-"), List.of(moderator),
                    Replies.withAttachment(name, moderator, "MODERATE for " + name, Optional.of(accept), text, post,
                            now), ReceivedLine.Invoked.BY_UID, "list"), "held for the moderator as " + id);
        }
    }

    /** Acts on an accept or reject address. */
    Outcome decide(MailingList list, String extension, Distribution distribution) throws IOException {
        Matcher m = DECISION.matcher(extension);
        if (!m.matches()) return dropped("not a moderation address");
        boolean accepting = m.group(1).equalsIgnoreCase("accept");
        String id = m.group(2);
        if (!Cookies.same(Cookies.cookie(list.key(), 'a', id), m.group(3))) return dropped("bad cookie");
        Path pending = dir(list, "pending").resolve(id);
        Path done = dir(list, accepting ? "accepted" : "rejected").resolve(id);
        if (Files.exists(done)) return dropped("already " + (accepting ? "accepted" : "rejected"));
        if (!Files.exists(pending)) {
            return new Outcome.Failure("That post was already " + (accepting ? "rejected" : "accepted")
                    + " or has expired. (#5.7.1)");
        }
        String sender = sender(pending);
        Outcome outcome;
        if (accepting) {
            try (InputStream post = stored(pending)) {
                outcome = distribution.approved(list, "mod-" + id, sender, post);
            }
            if (!(outcome instanceof Outcome.Success)) return outcome;
        } else {
            outcome = ListDelivery.unanswerable(sender) ? dropped("rejected")
                    : ListDelivery.send(injector, list.name(), sender, Replies.message(list.name(), sender,
                            "your post to " + list.name() + " was rejected", Optional.empty(),
                            "The moderator of " + list.name() + " rejected your post.\n", now), "rejected");
            if (!(outcome instanceof Outcome.Success)) return outcome;
        }
        Files.createDirectories(done.getParent());
        Files.write(done, new byte[0]);
        Files.delete(pending);
        AtomicFile.syncDirectory(pending.getParent());
        return outcome;
    }

    /** Returns to their posters the held posts older than the list's modtime (ID starts with its time). */
    void expire(MailingList list) throws IOException {
        Path pending = dir(list, "pending");
        if (!Files.isDirectory(pending)) return;
        long oldest = now.getEpochSecond() - modtime(list).toSeconds();
        List<Path> due;
        try (var files = Files.list(pending)) {
            due = files.filter(f -> heldAt(f.getFileName().toString()) <= oldest).toList();
        }
        for (Path post : due) {
            String sender = sender(post);
            if (!ListDelivery.unanswerable(sender)) {
                Outcome told = ListDelivery.send(injector, list.name(), sender, Replies.message(list.name(), sender,
                        "your post to " + list.name() + " timed out", Optional.empty(), "Nobody moderated your post to "
                                + list.name() + " in time, so it was not distributed.\n", now), "timed out");
                if (!(told instanceof Outcome.Success)) continue; // tried again at the next pass
            }
            Files.delete(post);
        }
        if (!due.isEmpty()) AtomicFile.syncDirectory(pending);
    }

    /** The list's modtime file, in hours, within ezmlm-clean's bounds. */
    static Duration modtime(MailingList list) throws IOException {
        long hours = ControlFiles.number(list.dir().resolve("modtime"), MODTIME.toHours());
        return Duration.ofHours(Math.max(SHORTEST.toHours(), Math.min(LONGEST.toHours(), hours)));
    }

    /** When a held post's ID says it was held; never for a name that is not an ID (a crash's .new file). */
    private static long heldAt(String id) {
        int dot = id.indexOf('.');
        try {
            return id.endsWith(".new") || dot < 0 ? Long.MAX_VALUE : Long.parseLong(id.substring(0, dot));
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static Path dir(MailingList list, String which) {
        return list.dir().resolve("mod").resolve(which);
    }

    /** The held message, after its Return-Path line. */
    private static InputStream stored(Path pending) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(pending));
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
            // skips the Return-Path line
        }
        return in;
    }

    private static String sender(Path pending) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(pending))) {
            for (int c; (c = in.read()) >= 0 && c != '\n' && line.size() <= Member.MAX_BYTES + 20; ) line.write(c);
        }
        String l = line.toString(StandardCharsets.UTF_8);
        return l.startsWith("Return-Path: <") && l.endsWith(">") ? l.substring(14, l.length() - 1) : "";
    }

    private static Outcome dropped(String why) {
        return new Outcome.Success("Dropped: " + why + ".");
    }
}
