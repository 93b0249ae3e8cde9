package dev.quail.engine.delivery;

import dev.quail.persistence.body.Body;
import dev.quail.persistence.body.BodyStore;
import java.io.InputStream;

/**
 * A queued message's body as a delivery sees it: the {@link Body} its Accepted event records and the persistence
 * id its chunks are stored under. Deliveries stream it ({@link #open}), so no path holds a large body whole.
 */
public record MessageBody(String owner, Body body) {
    /** The message's bytes, read as they are consumed; blocking, so from an I/O thread. */
    public InputStream open(BodyStore store) {
        return store.open(owner, body);
    }
}
