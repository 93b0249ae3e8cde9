package dev.quail.engine.metrics;

import dev.quail.engine.log.EventStream;
import dev.quail.engine.queue.MessageState;
import dev.quail.persistence.events.Channel;
import dev.quail.persistence.events.MessageEvent;
import dev.quail.persistence.journal.WriteTimes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What /metrics shows, counted where it happens, as MessageLog logs, on one Prometheus registry for the process
 * (a counter is an add; the text is made only when /metrics is scraped). Results are
 * counted after the journal recorded them, so the counts agree with the Maildirs and the remote servers. Domains
 * label the remote counts, at most {@link #MAX_DOMAINS} of them (the first seen); the rest are "other", so no
 * amount of mail to new domains can make a scrape grow without bound.
 */
public final class Meters {
    static final int MAX_DOMAINS = 50;
    private static final PrometheusMeterRegistry REGISTRY = registry();
    private static final Set<String> DOMAINS = ConcurrentHashMap.newKeySet();
    private static final Map<String, AtomicInteger> CONNECTIONS = new ConcurrentHashMap<>();
    // The registry's own lookup builds its tag list and id at every increment; a message counts two or three times.
    private static final Map<List<String>, Counter> COUNTERS = new ConcurrentHashMap<>();
    private static final AtomicInteger LIVE = gauge("quail_queue_live_messages", "Message actors alive");
    private static final AtomicInteger ASLEEP = gauge("quail_queue_sleeping_messages", "messages waiting to retry");
    private static final AtomicInteger WAITING = gauge("quail_queue_waiting_messages",
            "messages due, waiting for room among the live ones");

    private static final AtomicLong QUEUED = longGauge("quail_queue_messages",
            "messages in the queue, as qstat counts them, when last scraped");
    private static final AtomicLong OLDEST = longGauge("quail_queue_oldest_message_age_seconds",
            "age of the oldest message in the queue when last scraped (0: the queue is empty)");

    private Meters() {}

    public static PrometheusMeterRegistry prometheus() {
        return REGISTRY;
    }

    private static PrometheusMeterRegistry registry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        Timer synced = journalTimer(registry, "true");
        Timer unsynced = journalTimer(registry, "false");
        WriteTimes.Sink.set((fsynced, nanos) -> (fsynced ? synced : unsynced).record(nanos, TimeUnit.NANOSECONDS));
        FunctionCounter.builder("quail_events_dropped", null, x -> EventStream.dropped())
                .description("log/events.jsonl lines dropped because its queue was full").register(registry);
        return registry;
    }

    /** A message was journaled as accepted; {@code origin} is qmail's "smtp 1.2.3.4", "inject", ... */
    public static void accepted(String origin) {
        String via = origin.isEmpty() ? "unknown" : origin.split(" ", 2)[0].toLowerCase(Locale.ROOT);
        counter("quail_messages_accepted", "origin", via).increment();
    }

    /** Results a Message just journaled: delivered, deferred, failed (bounced) per channel and domain. */
    public static void journaled(MessageState state, List<MessageEvent> events) {
        for (MessageEvent e : events) {
            if (e instanceof MessageEvent.Delivered d) count("delivered", state, d.recipient());
            else if (e instanceof MessageEvent.Deferred d) count("deferred", state, d.recipient());
            else if (e instanceof MessageEvent.Failed f) count("bounced", state, f.recipient());
        }
    }

    /** Each count since start, summed over its labels, by what it counts: what the web dashboard shows. */
    public static Map<String, Double> totals() {
        Map<String, Double> totals = new LinkedHashMap<>();
        totals.put("accepted", sum("quail_messages_accepted"));
        for (String what : List.of("delivered", "deferred", "bounced")) {
            totals.put(what, sum("quail_recipients_" + what));
        }
        return totals;
    }

    private static double sum(String name) {
        return REGISTRY.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** The open connections of one listener (smtpd, pop3d, ...): up when admitted, down when it ends. */
    public static AtomicInteger connections(String listener) {
        return CONNECTIONS.computeIfAbsent(listener, name -> {
            AtomicInteger open = new AtomicInteger();
            Gauge.builder("quail_connections_open", open, AtomicInteger::get).tag("listener", name)
                    .strongReference(true)
                    .description("connections open").register(REGISTRY);
            return open;
        });
    }

    /** The Queue's schedule, as it stands each second. */
    public static void queue(int live, int asleep, int waiting) {
        LIVE.set(live);
        ASLEEP.set(asleep);
        WAITING.set(waiting);
    }

    /** The queue's census: its size and the age of its oldest message. */
    public static void census(long messages, long oldestAgeSeconds) {
        QUEUED.set(messages);
        OLDEST.set(oldestAgeSeconds);
    }

    private static void count(String what, MessageState state, int recipient) {
        var r = state.recipient(recipient);
        boolean local = r.channel() == Channel.LOCAL;
        counter("quail_recipients_" + what, "channel", local ? "local" : "remote",
                "domain", local ? "local" : bounded(r.address())).increment();
    }

    private static Counter counter(String name, String... tags) {
        List<String> key = new ArrayList<>(tags.length + 1);
        key.add(name);
        Collections.addAll(key, tags);
        return COUNTERS.computeIfAbsent(key, k -> REGISTRY.counter(name, tags));
    }

    private static String bounded(String address) {
        String domain = address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        if (DOMAINS.contains(domain)) return domain;
        synchronized (DOMAINS) {
            if (DOMAINS.size() < MAX_DOMAINS) DOMAINS.add(domain);
        }
        return DOMAINS.contains(domain) ? domain : "other";
    }

    /** A batch's write to the journal: with its fsync when synced (LevelDB does both in one call). */
    private static Timer journalTimer(PrometheusMeterRegistry registry, String synced) {
        return Timer.builder("quail_journal_write").tag("fsync", synced).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(10))
                .description("time to write one batch to the journal").register(registry);
    }

    private static AtomicLong longGauge(String name, String description) {
        AtomicLong value = new AtomicLong();
        Gauge.builder(name, value, AtomicLong::get).description(description).strongReference(true).register(REGISTRY);
        return value;
    }

    private static AtomicInteger gauge(String name, String description) {
        AtomicInteger value = new AtomicInteger();
        Gauge.builder(name, value, AtomicInteger::get).description(description).strongReference(true)
                .register(REGISTRY);
        return value;
    }
}
