package dev.quail.engine.remote;

import dev.quail.engine.delivery.MessageBody;
import dev.quail.persistence.body.BodyStore;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Header fields made for one transaction and sent before the message, with the queue's LF line ends; empty for
 * none: a list post's per-recipient List-Unsubscribe fields, and a DKIM-Signature over them and the whole message.
 * It knows the transaction's envelope (a VERP'd list post has one recipient per transaction, so its fields are
 * that member's). It reads the message through once more, on the I/O executor, before the first piece; an
 * IOException is a read error like any other: the delivery is deferred, never sent without its fields.
 */
public interface Stamp {
    Stamp NONE = (sender, recipients, message) -> Optional.empty();

    Optional<byte[]> of(String sender, List<String> recipients, InputStream message) throws IOException;

    /** The fields for a stored message, read from the store (blocking); NONE reads nothing. */
    default Optional<byte[]> read(String sender, List<String> recipients, MessageBody body, BodyStore store)
            throws IOException {
        if (this == NONE) return Optional.empty();
        try (InputStream whole = new BufferedInputStream(body.open(store), BodyStore.CHUNK)) {
            return of(sender, recipients, whole);
        }
    }
}
