package dev.quail.engine.lists;

import dev.quail.engine.delivery.Injector;
import dev.quail.engine.delivery.ReceivedLine;
import dev.quail.protocols.smtp.QueueResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** An {@link Injector} that keeps what it is given; after {@code accepting} messages it answers Temporary. */
final class Outbox implements Injector {
    record Sent(String sender, List<String> recipients, String message) {}

    final List<Sent> sent = new ArrayList<>();
    int accepting = Integer.MAX_VALUE;

    @Override
    public synchronized QueueResult inject(String sender, List<String> recipients, InputStream message,
                                           ReceivedLine.Invoked how, String origin) {
        try (message) {
            if (sent.size() >= accepting) return new QueueResult.Temporary("4.3.0 queue full (#4.3.0)");
            sent.add(new Sent(sender, List.copyOf(recipients),
                    new String(message.readAllBytes(), StandardCharsets.UTF_8)));
            return new QueueResult.Queued("q" + sent.size());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized Sent last() {
        return sent.get(sent.size() - 1);
    }

    synchronized int size() {
        return sent.size();
    }
}
