package dev.quail.engine.lists;

import dev.quail.engine.delivery.Injector;
import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.delivery.ReceivedLine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ezmlm-manage (EZ-10..16): mail to {@code LIST-ACTION[-box=dom]@DOMAIN}. The target is box@dom when given, else
 * the sender; every answer goes to the target, never to whoever asked, so nobody can subscribe someone else.
 * <ul>
 * <li>{@code subscribe}, {@code unsubscribe}: a confirmation request whose Reply-To is
 *     {@code LIST-sc.T.C-box=dom@DOMAIN} ({@code uc.} to unsubscribe), C the list's keyed cookie over the action,
 *     T and the target; nothing is stored. Already subscribed (or not): a note saying so, no cookie (idx 7.1).</li>
 * <li>{@code sc.T.C}, {@code uc.T.C}: a good cookie, at most {@link #COOKIE_LIFE} old, does it and says so
 *     (welcome, goodbye); a tampered or expired one gets a fresh request, never an action (EZ-15).</li>
 * <li>{@code get.N}: post N from the archive, to the sender.</li>
 * <li>{@code help} and any other action: the help text, to the sender.</li>
 * </ul>
 * Bounces, and mail that is list traffic or one of this list's own replies, are never answered (EZ-11): dropped.
 */
final class Commands {
    /** EZ-15: a confirmation is good for 1,000,000 seconds (about 11.6 days). */
    static final Duration COOKIE_LIFE = Duration.ofSeconds(1_000_000);
    private static final Pattern CONFIRM = Pattern.compile("([su])c\\.([0-9]{1,18})\\.([a-p]{20})");
    /** EZ-12, EZ-44: get.N, get-N, get_N or getN. */
    private static final Pattern GET = Pattern.compile("(?i)get[._-]?([0-9]{1,18})");

    private final Injector injector;
    private final Instant now;

    Commands(Injector injector, Instant now) {
        this.injector = injector;
        this.now = now;
    }

    Outcome answer(MailingList list, String extension, String sender, InputStream message) throws IOException {
        if (ListDelivery.unanswerable(sender)) return dropped("I don't reply to bounce messages");
        PostHeader header;
        try {
            header = PostHeader.read(message);
        } catch (PostHeader.TooLarge e) {
            return dropped(e.getMessage());
        }
        ListAddress name = list.name();
        if (!header.values("mailing-list").isEmpty()) return dropped("list traffic is not answered");
        if (header.values("delivered-to").stream().anyMatch(v -> v.equalsIgnoreCase("responder for " + name))) {
            return dropped("my own reply came back");
        }
        Matcher get = GET.matcher(extension);
        if (get.matches()) return fetch(list, sender, Long.parseLong(get.group(1)));
        int dash = extension.indexOf('-');
        String action = (dash < 0 ? extension : extension.substring(0, dash));
        Matcher confirm = CONFIRM.matcher(action);
        String verb = action.toLowerCase(Locale.ROOT);
        if (!confirm.matches() && !verb.equals("subscribe") && !verb.equals("unsubscribe")) {
            return tell(list, sender, "help for " + name, help(list, sender));
        }
        Optional<String> target = dash < 0 ? Member.parse(sender, new StringBuilder())
                : Member.unverp(extension.substring(dash + 1));
        if (target.isEmpty()) return dropped("no address to act on");
        String who = target.get();
        if (confirm.matches()) {
            boolean subscribing = confirm.group(1).equals("s");
            long time = Long.parseLong(confirm.group(2));
            if (!valid(list, subscribing, time, confirm.group(3), who)) return request(list, subscribing, who, true);
            return done(list, subscribing, who);
        }
        if (verb.equals("subscribe")) {
            return list.subscribers().contains(who)
                    ? tell(list, who, "you are already subscribed to " + name, "You are already subscribed.\n")
                    : request(list, true, who, false);
        }
        return !list.subscribers().contains(who)
                ? tell(list, who, "you are not subscribed to " + name, "You are not subscribed, so there is"
                        + " nothing to do.\n")
                : request(list, false, who, false);
    }

    /** The address that confirms: {@code LIST-sc.T.C-box=dom@DOMAIN}. */
    static String confirmAddress(MailingList list, boolean subscribing, String member, long time) throws IOException {
        char action = subscribing ? 's' : 'u';
        String cookie = Cookies.cookie(list.key(), action, Long.toString(time), Member.key(member));
        return list.name().command(action + "c." + time + "." + cookie + "-" + Member.verp(member));
    }

    private boolean valid(MailingList list, boolean subscribing, long time, String cookie, String member)
            throws IOException {
        long t = now.getEpochSecond();
        if (time > t || t - time > COOKIE_LIFE.toSeconds()) return false;
        String expected = Cookies.cookie(list.key(), subscribing ? 's' : 'u', Long.toString(time), Member.key(member));
        return Cookies.same(expected, cookie);
    }

    private Outcome request(MailingList list, boolean subscribing, String member, boolean badCookie)
            throws IOException {
        String verb = subscribing ? "subscribe" : "unsubscribe";
        String confirm = confirmAddress(list, subscribing, member, now.getEpochSecond());
        String text = (badCookie ? "The confirmation you sent was not valid or has expired; here is a new one.\n\n"
                : "")
                + "To confirm that you want " + member + " to " + verb + (subscribing ? " to " : " from ")
                + list.name() + ",\nreply to this message, or send an empty message to:\n\n   " + confirm + "\n\n"
                + "If you did not ask for this, ignore this message: nothing will change.\n";
        byte[] mail = Replies.message(list.name(), member, "confirm " + verb + " to " + list.name(),
                Optional.of(confirm), text, now);
        return ListDelivery.send(injector, list.name(), member, mail, "sent a " + verb + " confirmation to " + member);
    }

    private Outcome done(MailingList list, boolean subscribing, String member) throws IOException {
        if (subscribing) {
            list.subscribe(List.of(member), "+");
            return tell(list, member, "WELCOME to " + list.name(), Replies.text(list, "sub-ok",
                    "Welcome! " + member + " is now subscribed to " + list.name() + ".\n\n", member)
                    + help(list, member));
        }
        list.unsubscribe(List.of(member), "-");
        return tell(list, member, "GOODBYE from " + list.name(), Replies.text(list, "unsub-ok",
                member + " is no longer subscribed to " + list.name() + ".\n", member));
    }

    private static String help(MailingList list, String target) throws IOException {
        return Replies.text(list, "help", Replies.help(list.name()), target);
    }

    /**
     * Post n from the archive, attached whole (message/rfc822) and streamed from its file, to the sender; on a
     * subscribers-only list only to a member (idx's subgetonly).
     */
    private Outcome fetch(MailingList list, String sender, long n) throws IOException {
        ListAddress name = list.name();
        if (list.subscribersOnly() && !list.subscribers().contains(sender)) {
            return tell(list, sender, "no archive for you", "Sorry, only members may fetch posts of " + name + ".\n");
        }
        Path post = list.archive(n);
        if (n < 1 || !Files.isRegularFile(post)) {
            return tell(list, sender, "no post " + n + " in " + name, "There is no post " + n + " in the archive of "
                    + name + "; the last one is " + list.lastNumber() + ".\n");
        }
        InputStream mail = Replies.withAttachment(name, sender, "post " + n + " of " + name, Optional.empty(),
                "Here is post " + n + " of " + name + ".\n", Files.newInputStream(post), now);
        return ListDelivery.queued(injector.inject(name.command("return-"), List.of(sender), mail,
                ReceivedLine.Invoked.BY_UID, "list"), "sent post " + n + " to " + sender);
    }

    private Outcome tell(MailingList list, String to, String subject, String text) {
        return ListDelivery.send(injector, list.name(), to,
                Replies.message(list.name(), to, subject, Optional.empty(), text, now), "answered " + to);
    }

    private static Outcome dropped(String why) {
        return new Outcome.Success("Dropped: " + why + ".");
    }
}
