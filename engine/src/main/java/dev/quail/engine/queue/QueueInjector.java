package dev.quail.engine.queue;

import dev.quail.engine.delivery.Injector;
import dev.quail.persistence.body.Body;
import dev.quail.protocols.smtp.QueueResult;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The {@link Injector} of the running queue: the message goes into the body store, then to the Queue actor. */
public final class QueueInjector implements Injector {
    private final Submitter submitter;

    public QueueInjector(Submitter submitter) {
        this.submitter = submitter;
    }

    @Override
    public QueueResult inject(String sender, List<String> recipients, InputStream message, String origin) {
        Body body;
        try (message) {
            body = Body.inline(message.readAllBytes());
        } catch (IOException e) {
            return new QueueResult.Temporary("4.3.0 unable to read the message: " + e.getMessage() + " (#4.3.0)");
        }
        try {
            return submitter.submit(submitter.newId(), true, sender, recipients, body, origin).toCompletableFuture()
                    .get(Submitter.TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new QueueResult.Temporary("4.3.0 interrupted (#4.3.0)");
        } catch (ExecutionException | TimeoutException e) {
            return new QueueResult.Temporary("4.3.0 qq timeout (#4.3.0)");
        }
    }
}
