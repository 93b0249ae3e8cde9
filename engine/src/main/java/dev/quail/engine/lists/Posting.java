package dev.quail.engine.lists;

import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.queue.Bounces;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of a post, without I/O (EZ-22, EZ-23): who may not post, what makes a loop, and the header a
 * distributed post gets. The fields the list sets itself are taken out of the poster's header first, as ezmlm's
 * headerremove does, so a post never carries two List-Id or a forged List-Unsubscribe.
 */
final class Posting {
    /** ezmlm's default headerremove, with the List-* fields ezmlm did not know yet. */
    static final Set<String> REMOVED = Set.of("return-path", "return-receipt-to", "content-length", "precedence",
            "x-confirm-reading-to", "x-pmrqc", "mailing-list", "list-id", "list-help", "list-post", "list-subscribe",
            "list-unsubscribe", "list-unsubscribe-post", "list-owner", "list-archive");

    private Posting() {}

    /** Why this post is refused (permanent), or empty. */
    static Optional<Outcome> refusal(ListAddress list, String sender, PostHeader header) {
        if (sender.isEmpty() || sender.equals(Bounces.DOUBLE_BOUNCE_SENDER)) {
            return failure("I don't distribute bounce messages. (#5.7.2)");
        }
        String mine = loopMark(list);
        if (header.values("delivered-to").stream().anyMatch(v -> v.equalsIgnoreCase(mine))) {
            return failure("This message is looping: it already has my Delivered-To line. (#5.4.6)");
        }
        String contact = list.command("help").toLowerCase(Locale.ROOT);
        if (header.values("mailing-list").stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains(contact))) {
            return failure("This message is looping: it already has my Mailing-List line. (#5.4.6)");
        }
        return Optional.empty();
    }

    static Optional<Outcome> notMember(ListAddress list) {
        return failure("Sorry, only subscribers may post to " + list + ". (#5.7.2)");
    }

    /** The value of the Delivered-To line a post gets, the loop mark ezmlm checks. */
    static String loopMark(ListAddress list) {
        return "mailing list " + list;
    }

    /** The fields every copy of post N shares, ahead of the poster's (EZ-23, RFC 2369, RFC 2919). */
    static byte[] listFields(ListAddress list) {
        return ("Mailing-List: contact " + list.command("help") + "; run by Quail\n"
                + "List-Id: <" + list.id() + ">\n"
                + "List-Post: <mailto:" + list + ">\n"
                + "List-Help: <mailto:" + list.command("help") + ">\n"
                + "List-Subscribe: <mailto:" + list.command("subscribe") + ">\n"
                + "Precedence: list\n"
                + "Delivered-To: " + loopMark(list) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The envelope sender of post N: the VERP template {@code LIST-return-N-@DOMAIN-@[]} (EZ-30). */
    static String verpSender(ListAddress list, long n) {
        return list.command("return-" + n + "-") + "-@[]";
    }

    private static Optional<Outcome> failure(String text) {
        return Optional.of(new Outcome.Failure(text));
    }
}
