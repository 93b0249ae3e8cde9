package dev.quail.engine.queue;

import dev.quail.engine.delivery.Injector;
import dev.quail.engine.delivery.ReceivedLine;
import dev.quail.persistence.body.BodyStore;
import dev.quail.persistence.body.BodyWriter;
import dev.quail.protocols.smtp.QueueResult;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@link Injector} of the running queue: the message is streamed into the body store a chunk at a time (so a
 * forward or a bounce of a large message never holds it whole), then submitted to the Queue actor. Chunks of a
 * message that could not be stored whole are deleted; once it is submitted they are left alone whatever the answer
 * (a write the queue reported failed may still have landed: its message needs them), and if the message was not
 * queued after all, the journal's sweep at the next start removes them.
 */
public final class QueueInjector implements Injector {
    private final Submitter submitter;
    private final BodyStore bodies;

    public QueueInjector(Submitter submitter, BodyStore bodies) {
        this.submitter = submitter;
        this.bodies = bodies;
    }

    @Override
    public QueueResult inject(String sender, List<String> recipients, InputStream message, ReceivedLine.Invoked how,
                              String origin) {
        String id = submitter.newId();
        BodyWriter writer = bodies.writer(Submitter.owner(id));
        try (message) {
            byte[] line = ReceivedLine.of(id, how, Instant.now());
            writer.write(line, 0, line.length); // a fresh writer's first chunk: nothing to wait for
            byte[] buffer = new byte[BodyStore.CHUNK];
            for (int n; (n = message.readNBytes(buffer, 0, buffer.length)) > 0; ) {
                writer.write(buffer, 0, n).toCompletableFuture().get(Submitter.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writer.abort();
            return new QueueResult.Temporary("4.3.0 interrupted (#4.3.0)");
        } catch (IOException | ExecutionException | TimeoutException e) {
            writer.abort();
            return new QueueResult.Temporary("4.3.0 qq write error: " + e.getMessage() + " (#4.3.0)");
        }
        try {
            return submitter.submit(id, true, sender, recipients, writer.finish(), origin).toCompletableFuture()
                    .get(Submitter.TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new QueueResult.Temporary("4.3.0 interrupted (#4.3.0)");
        } catch (ExecutionException | TimeoutException e) {
            return new QueueResult.Temporary("4.3.0 qq timeout (#4.3.0)");
        }
    }
}
