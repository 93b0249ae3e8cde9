package dev.quail.engine.remote;

import dev.quail.engine.delivery.MessageBody;
import dev.quail.persistence.body.BodyStore;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * A header field made from the whole message and sent before it (a DKIM-Signature), with the queue's LF line ends;
 * empty for none. It reads the message through once more, on the I/O executor, before the first piece; an
 * IOException is a read error like any other: the delivery is deferred, never sent without its field.
 */
public interface Stamp {
    Stamp NONE = message -> Optional.empty();

    Optional<byte[]> of(InputStream message) throws IOException;

    /** The field for a stored message, read from the store (blocking); NONE reads nothing. */
    default Optional<byte[]> read(MessageBody body, BodyStore store) throws IOException {
        if (this == NONE) return Optional.empty();
        try (InputStream whole = new BufferedInputStream(body.open(store), BodyStore.CHUNK)) {
            return of(whole);
        }
    }
}
