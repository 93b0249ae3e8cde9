/*
 * Bodies: what the tests of every BodyStore do with bodies: make random ones, store them as a front end does and
 * read them back.
 */
package dev.quail.persistence.body;

import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.concurrent.TimeUnit;

public final class Bodies {
    private Bodies() {}

    public static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Writes {@code bytes} in pieces that do not line up with chunks, waiting for each piece as a caller must. */
    public static Body store(BodyStore store, String owner, byte[] bytes) throws Exception {
        BodyWriter writer = store.writer(owner);
        for (int at = 0; at < bytes.length; at += 10_007) {
            writer.write(bytes, at, Math.min(10_007, bytes.length - at)).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        }
        return writer.finish();
    }

    public static byte[] read(BodyStore store, String owner, Body body) throws IOException {
        try (InputStream in = store.open(owner, body)) {
            return in.readAllBytes();
        }
    }
}
