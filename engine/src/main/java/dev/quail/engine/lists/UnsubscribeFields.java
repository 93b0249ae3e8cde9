package dev.quail.engine.lists;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The per-recipient fields of a list post (RFC 2369, RFC 8058), made at delivery time: one queued copy of a post
 * serves every member, and only the transaction knows which member it is for. A transaction is a list post for
 * one member when its envelope sender is the list's VERP return address for that very member,
 * {@code LIST-return-N-box=dom@DOMAIN} with box@dom its one recipient; it then gets
 * <pre>
 *   List-Unsubscribe: &lt;URL/lists/LIST@DOMAIN/unsubscribe/MEMBER/TOKEN&gt;,
 *    &lt;mailto:LIST-unsubscribe-box=dom@DOMAIN&gt;
 *   List-Unsubscribe-Post: List-Unsubscribe=One-Click
 * </pre>
 * MEMBER is the address in base64url, TOKEN the list's keyed check of (list, member, "u"), which the one-click
 * endpoint verifies ({@link OneClick}). Anything else gets no fields.
 */
public final class UnsubscribeFields {
    private final Lists lists;

    public UnsubscribeFields(Lists lists) {
        this.lists = lists;
    }

    /** Whether any list exists: without one, no delivery needs asking. */
    public boolean any() {
        return lists.any();
    }

    /** The fields, LF line ends, for a transaction from {@code sender} to {@code recipients}; IOException: no key. */
    public Optional<byte[]> fields(String sender, List<String> recipients) throws IOException {
        if (recipients.size() != 1) return Optional.empty();
        Optional<Lists.Target> target = lists.find(sender);
        if (target.isEmpty()) return Optional.empty();
        Optional<String> member = ReturnAddress.distribution(target.get().extension());
        boolean theirs = member.isPresent() && Member.key(member.get()).equals(Member.key(recipients.get(0)));
        if (!theirs) return Optional.empty();
        MailingList list = target.get().list();
        String fields = "List-Unsubscribe: <" + url(list, member.get()) + ">,\n <mailto:"
                + list.name().command("unsubscribe-" + Member.verp(member.get())) + ">\n"
                + "List-Unsubscribe-Post: List-Unsubscribe=One-Click\n";
        return Optional.of(fields.getBytes(StandardCharsets.UTF_8));
    }

    /** The one-click URL of {@code member}. */
    static String url(MailingList list, String member) throws IOException {
        return list.url() + "/lists/" + list.name() + "/unsubscribe/"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(member.getBytes(StandardCharsets.UTF_8))
                + "/" + token(list.key(), list.name(), member);
    }

    static String token(byte[] key, ListAddress list, String member) {
        return Cookies.token(key, 'u', list.address(), Member.key(member));
    }
}
