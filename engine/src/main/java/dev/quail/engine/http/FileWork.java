package dev.quail.engine.http;

import dev.quail.engine.log.MessageLog;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * What the mailbox and list routes do to files (users/assign, a list's directory): blocking (file writes, fsync, a
 * bcrypt), so run on the I/O executor, never on the HTTP server's threads. Bad input is an
 * {@link IllegalArgumentException} (400), a named thing that is not there a {@link Missing} (404), a file that
 * cannot be written an {@link IOException} (503).
 */
final class FileWork {
    private FileWork() {}

    /** A file operation that may refuse its input. */
    interface Work<T> {
        T run() throws IOException;
    }

    /** An operation's value, or why it was refused, with the HTTP status that says which. */
    record Done<T>(StatusCode status, T value, String why) {
        boolean ok() {
            return status.isSuccess();
        }
    }

    /** The mailbox or list a request names is not there. */
    static class Missing extends RuntimeException {
        Missing(String why) {
            super(why);
        }
    }

    /** {@code work} on {@code io}; {@code area} names it in the mail log's warning when a file fails. */
    static <T> CompletionStage<Done<T>> attempt(Executor io, String area, Work<T> work) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new Done<>(StatusCodes.OK, work.run(), "");
            } catch (Missing e) {
                return new Done<>(StatusCodes.NOT_FOUND, null, e.getMessage());
            } catch (IllegalArgumentException e) {
                return new Done<>(StatusCodes.BAD_REQUEST, null, e.getMessage());
            } catch (IOException e) {
                MessageLog.warning("http: " + area + ": " + e.getMessage());
                return new Done<>(StatusCodes.SERVICE_UNAVAILABLE, null, "unable to write: " + e.getMessage());
            }
        }, io);
    }
}
