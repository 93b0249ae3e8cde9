/*
 * Pids: the persistence ids the shared database can hold. PostgreSQL's text cannot hold NUL, and the plugin's
 * persistence_id column is VARCHAR(255); an id outside that would fail a whole batch of other callers' writes in
 * GroupCommit, so it is refused before it is queued.
 */
package dev.quail.persistence.jdbc;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

final class Pids {
    static final int MAX_LENGTH = 255;

    private Pids() {}

    static void check(String pid) {
        if (pid == null || pid.isEmpty() || pid.length() > MAX_LENGTH || pid.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("persistence id must have 1 to " + MAX_LENGTH
                    + " characters and no NUL: " + pid);
        }
    }

    /** The write {@code submit} makes for {@code pid}, or a failed future at once if the pid cannot be held. */
    static CompletableFuture<Void> submitFor(String pid, Supplier<CompletableFuture<Void>> submit) {
        try {
            check(pid);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        return submit.get();
    }
}
