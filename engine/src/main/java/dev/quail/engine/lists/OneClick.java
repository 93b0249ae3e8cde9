package dev.quail.engine.lists;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The one-click unsubscribe of RFC 8058 behind a post's per-recipient URL ({@link UnsubscribeFields}): the URL
 * names the list, the member (base64url) and a token, the list's keyed check of both. A token that does not check
 * out is refused whatever else is right; a good one unsubscribes at once, without a second confirmation, as RFC
 * 8058 requires, and stays good (unsubscribing twice is harmless).
 */
public final class OneClick {
    /** A link that checks out: the list and the member it unsubscribes. */
    public record Link(MailingList list, String member) {}

    private final Lists lists;

    public OneClick(Lists lists) {
        this.lists = lists;
    }

    /** The link, if its token is the list's own for that member; empty for anything forged or malformed. */
    public Optional<Link> check(String list, String member64, String token) throws IOException {
        Optional<MailingList> l = ListAddress.parse(list).flatMap(lists::open);
        if (l.isEmpty() || token.length() != Cookies.TOKEN) return Optional.empty();
        String member;
        try {
            member = new String(Base64.getUrlDecoder().decode(member64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        Optional<String> m = Member.parse(member, new StringBuilder());
        if (m.isEmpty()) return Optional.empty();
        String expected = UnsubscribeFields.token(l.get().key(), l.get().name(), m.get());
        return Cookies.same(expected, token) ? Optional.of(new Link(l.get(), m.get())) : Optional.empty();
    }

    /** Unsubscribes the link's member; false when it was not subscribed (any more). */
    public boolean unsubscribe(Link link) throws IOException {
        return !link.list().unsubscribe(List.of(link.member()), "-oneclick").isEmpty();
    }
}
