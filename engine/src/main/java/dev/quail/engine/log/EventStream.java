package dev.quail.engine.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * log/events.jsonl: one JSON object a line per delivery event (reception, delivery, transient failure, bounce,
 * expiry) and per admin action, for programs that follow a server's mail (logback rotates the file as it does
 * quail.log). An event is offered only after the journal recorded it, and never blocks the actor that offers it:
 * it goes into a queue of {@link #CAPACITY} lines that one daemon thread writes out; when that queue is full the
 * line is dropped and counted ({@link #dropped()}, quail_events_dropped_total in /metrics).
 */
public final class EventStream {
    static final int CAPACITY = 8192;
    private static final Logger log = LoggerFactory.getLogger("quail.events");
    private static final JsonFactory JSON = new JsonFactory();
    private static final BlockingQueue<String> QUEUE = new ArrayBlockingQueue<>(CAPACITY);
    private static final AtomicLong DROPPED = new AtomicLong();

    static {
        Thread writer = new Thread(EventStream::write, "quail-events");
        writer.setDaemon(true);
        writer.start();
    }

    private EventStream() {}

    /** One field of an event: name and value (a String, a Number or null, left out). */
    public record Field(String name, Object value) {}

    public static Field field(String name, Object value) {
        return new Field(name, value);
    }

    /** Offers the event {@code kind} with its fields; drops it (counted) rather than wait. */
    public static void offer(String kind, Field... fields) {
        if (!QUEUE.offer(line(kind, fields))) DROPPED.incrementAndGet();
    }

    public static long dropped() {
        return DROPPED.get();
    }

    private static String line(String kind, Field... fields) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", Instant.now().toString());
            g.writeStringField("event", kind);
            for (Field f : fields) {
                if (f.value() instanceof Number n) g.writeNumberField(f.name(), n.longValue());
                else if (f.value() != null) g.writeStringField(f.name(), f.value().toString());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write() {
        while (true) {
            try {
                log.info(QUEUE.take());
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
