package dev.quail.engine.admin;



import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.quail.engine.queue.MessageState;
import dev.quail.engine.remote.RemoteSpawn;
import dev.quail.persistence.events.Channel;
import dev.quail.persistence.events.MessageEvent;
import dev.quail.persistence.events.Recipient;
import dev.quail.persistence.journal.JournalStore;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text of the queue and site tools, in qmail's words (QSTAT-01, QREAD-01) or as JSON with --json for scripts.
 */
public final class Reports {
    private static final DateTimeFormatter QREAD_DATE =
            DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final JsonFactory JSON = new JsonFactory();

    private Reports() {}

    /** QSTAT-01's two lines, and Quail's third: whether the journal can write ({@code journal: ok}). */
    public static String qstat(long messages, int unprocessed, JournalStore.Health journal, boolean json) {
        if (!json) {
            return "messages in queue: " + messages + "\n"
                    + "messages in queue but not yet preprocessed: " + unprocessed + "\n"
                    + "journal: " + (journal.ok() ? "ok" : "failing since "
                    + Instant.ofEpochMilli(journal.sinceMillis()) + ": " + journal.detail()) + "\n";
        }
        return json(g -> {
            g.writeStartObject();
            g.writeNumberField("messages", messages);
            g.writeNumberField("unprocessed", unprocessed);
            g.writeObjectFieldStart("journal");
            g.writeBooleanField("ok", journal.ok());
            g.writeStringField("detail", journal.detail());
            g.writeStringField("since", Instant.ofEpochMilli(journal.sinceMillis()).toString());
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /**
     * QREAD-01: {@code <date> GMT  #<id>  <bytes>  <<sender>> }, then a line per recipient, tab-separated,
     * prefixed with {@code done} once delivered or failed. After the sender, {@code bouncing} while failed
     * recipients wait for their bounce to be queued (QREAD-01), and (Quail) {@code held} when held.
     */
    public static String qread(List<MessageState> messages, boolean json) {
        return qread(messages, messages.size(), json);
    }

    /** One page of {@code total} matching messages; JSON says the total, so a client knows how far to page. */
    public static String qread(List<MessageState> messages, int total, boolean json) {
        if (json) return json(g -> {
            g.writeStartObject();
            g.writeNumberField("total", total);
            g.writeArrayFieldStart("messages");
            for (MessageState m : messages) {
                g.writeStartObject();
                writeMessageFields(g, m);
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
        StringBuilder b = new StringBuilder();
        for (MessageState m : messages) {
            var a = m.accepted();
            b.append(QREAD_DATE.format(Instant.ofEpochMilli(a.birthMillis()))).append("  #").append(a.id())
                    .append("  ").append(a.body().size()).append("  <").append(a.sender()).append("> ")
                    .append(String.join(" ", marks(m))).append('\n');
            for (int i = 0; i < a.recipients().size(); i++) {
                var r = a.recipients().get(i);
                b.append(m.status(i) == MessageState.Status.PENDING ? "" : "  done")
                        .append('\t').append(r.channel() == Channel.LOCAL ? "local" : "remote")
                        .append('\t').append(r.address()).append('\n');
            }
        }
        return b.toString();
    }

    private static List<String> marks(MessageState m) {
        List<String> marks = new ArrayList<>();
        if (bouncing(m)) marks.add("bouncing");
        if (m.held()) marks.add("held");
        return marks;
    }

    private static boolean bouncing(MessageState m) {
        return !m.failed().isEmpty() && !m.bounced();
    }

    /** TCPTO-01: {@code <ip> timed out <secs> seconds ago; # recent timeouts: <n>}. */
    public static String tcpto(List<RemoteSpawn.DownedHost> hosts, long nowMillis, boolean json) {
        if (json) return json(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("hosts");
            for (var h : hosts) {
                g.writeStartObject();
                g.writeStringField("destination", h.destination());
                g.writeStringField("ip", h.ip());
                g.writeStringField("lastTimeout", Instant.ofEpochMilli(h.lastTimeoutMillis()).toString());
                g.writeNumberField("timeouts", h.count());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
        StringBuilder b = new StringBuilder();
        for (var h : hosts) {
            b.append(h.ip()).append(" timed out ").append((nowMillis - h.lastTimeoutMillis()) / 1000)
                    .append(" seconds ago; # recent timeouts: ").append(h.count()).append('\n');
        }
        return b.toString();
    }

    /**
     * quail sites: per site (or domain shaped apart) its key, MX hosts, domains seen, connections open, recipients
     * waiting, transactions in the last minute, hold, limits in force and last replies; a held site or domain
     * without mail in flight too.
     */
    public static String sites(List<RemoteSpawn.SiteView> sites, boolean json) {
        if (json) return json(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("sites");
            for (var s : sites) {
                g.writeStartObject();
                g.writeStringField("site", s.site());
                strings(g, "hosts", s.hosts());
                strings(g, "domains", s.domains());
                g.writeNumberField("domainCount", s.domainCount());
                g.writeNumberField("connections", s.connections());
                g.writeNumberField("queuedRecipients", s.ready());
                g.writeNumberField("lastMinute", s.lastMinute());
                if (s.suspendedUntil() > 0) {
                    g.writeStringField("suspendedUntil", Instant.ofEpochMilli(s.suspendedUntil()).toString());
                    g.writeStringField("reason", s.reason());
                }
                g.writeStringField("limits", s.limits());
                strings(g, "lastReplies", s.replies());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
        StringBuilder b = new StringBuilder();
        for (var s : sites) {
            b.append(s.site()).append('\n');
            if (!s.hosts().isEmpty()) b.append("  hosts: ").append(String.join(" ", s.hosts())).append('\n');
            if (!s.domains().isEmpty()) {
                b.append("  domains: ").append(String.join(" ", s.domains()));
                if (s.domainCount() > s.domains().size()) b.append(" and ").append(s.domainCount() - s.domains().size())
                        .append(" more");
                b.append('\n');
            }
            b.append("  connections ").append(s.connections()).append(", queued recipients ").append(s.ready())
                    .append(", messages in the last minute ").append(s.lastMinute()).append('\n');
            if (s.suspendedUntil() > 0) {
                b.append("  suspended until ").append(Instant.ofEpochMilli(s.suspendedUntil())).append(": ")
                        .append(s.reason()).append('\n');
            }
            if (!s.limits().isEmpty()) b.append("  limits: ").append(s.limits()).append('\n');
            for (String reply : s.replies()) b.append("  replied: ").append(reply).append('\n');
        }
        return b.toString();
    }

    private static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) g.writeString(v);
        g.writeEndArray();
    }

    /**
     * One message's life: qread's lines, then every attempt in order (time, recipient, outcome, the remote or
     * local report) and the retries and holds between them.
     */
    public static String message(QueueView.History history, boolean json) {
        if (json) return json(g -> {
            g.writeStartObject();
            writeMessageFields(g, history.state());
            g.writeArrayFieldStart("events");
            for (var e : history.events()) writeEvent(g, e, history.state().accepted().recipients());
            g.writeEndArray();
            g.writeEndObject();
        });
        StringBuilder b = new StringBuilder(qread(List.of(history.state()), false));
        for (var e : history.events()) {
            b.append("  ").append(Instant.ofEpochMilli(e.millis())).append(' ')
                    .append(describe(e.event(), history.state().accepted().recipients())).append('\n');
        }
        return b.toString();
    }

    /** One event of a trace (GET /api/v1/messages/ID/trace), as a JSON object on one line. */
    public static String event(QueueView.Stamped e, List<Recipient> recipients) {
        return json(g -> writeEvent(g, e, recipients)).strip();
    }

    /**
     * Postfix's qshape for Quail's queue: pending recipients by destination domain (the busiest first, at most
     * {@link #SHAPE_ROWS}) and age bucket, after counts of messages by state and of pending recipients by channel.
     */
    public static String qshape(List<MessageState> messages, long nowMillis, boolean json) {
        Shape shape = Shape.of(messages, nowMillis, SHAPE_ROWS);
        if (json) return json(g -> {
            g.writeStartObject();
            g.writeNumberField("messages", messages.size());
            g.writeObjectFieldStart("states");
            for (var e : shape.states().entrySet()) g.writeNumberField(e.getKey(), e.getValue());
            g.writeEndObject();
            g.writeObjectFieldStart("channels");
            for (var e : shape.channels().entrySet()) g.writeNumberField(e.getKey(), e.getValue());
            g.writeEndObject();
            g.writeArrayFieldStart("buckets");
            for (String label : Shape.LABELS) g.writeString(label);
            g.writeEndArray();
            g.writeArrayFieldStart("destinations");
            for (var row : shape.rows()) {
                g.writeStartObject();
                g.writeStringField("destination", row.destination());
                g.writeNumberField("total", row.total());
                g.writeArrayFieldStart("counts");
                for (long n : row.counts()) g.writeNumber(n);
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
        StringBuilder b = new StringBuilder();
        b.append("messages ").append(messages.size());
        shape.states().forEach((k, v) -> b.append(", ").append(k).append(' ').append(v));
        b.append("\nrecipients pending");
        shape.channels().forEach((k, v) -> b.append(", ").append(k).append(' ').append(v));
        b.append('\n').append(String.format("%-30s %6s", "", "T"));
        for (String label : Shape.LABELS) b.append(String.format(" %6s", label));
        b.append('\n');
        for (var row : shape.rows()) {
            b.append(String.format("%-30s %6d", row.destination(), row.total()));
            for (long n : row.counts()) b.append(String.format(" %6d", n));
            b.append('\n');
        }
        return b.toString();
    }

    private static final int SHAPE_ROWS = 50;

    private static String describe(MessageEvent event, List<Recipient> recipients) {
        if (event instanceof MessageEvent.Accepted a) return "accepted from <" + a.sender() + "> via " + a.origin();
        if (event instanceof MessageEvent.Delivered d) return recipients.get(d.recipient()).address() + ": delivered: "
                + d.report();
        if (event instanceof MessageEvent.Deferred d) return recipients.get(d.recipient()).address() + ": deferred: "
                + d.report();
        if (event instanceof MessageEvent.Failed f) return recipients.get(f.recipient()).address() + ": failed: "
                + f.report();
        if (event instanceof MessageEvent.RetryScheduled r) return "next " + channel(r.channel()) + " try at "
                + Instant.ofEpochMilli(r.atMillis());
        if (event instanceof MessageEvent.BounceQueued q) return "bounce queued as " + q.bounceId();
        if (event instanceof MessageEvent.Held h) return h.held() ? "held" : "released";
        return event.getClass().getSimpleName();
    }

    private static void writeEvent(JsonGenerator g, QueueView.Stamped e, List<Recipient> recipients)
            throws IOException {
        g.writeStartObject();
        g.writeNumberField("seq", e.seq());
        g.writeStringField("time", Instant.ofEpochMilli(e.millis()).toString());
        MessageEvent event = e.event();
        g.writeStringField("event", kind(event));
        int recipient = event instanceof MessageEvent.Delivered d ? d.recipient()
                : event instanceof MessageEvent.Deferred d ? d.recipient()
                : event instanceof MessageEvent.Failed f ? f.recipient() : -1;
        if (recipient >= 0 && recipient < recipients.size()) {
            g.writeStringField("recipient", recipients.get(recipient).address());
        }
        if (event instanceof MessageEvent.Delivered d) g.writeStringField("report", d.report());
        if (event instanceof MessageEvent.Deferred d) g.writeStringField("report", d.report());
        if (event instanceof MessageEvent.Failed f) g.writeStringField("report", f.report());
        if (event instanceof MessageEvent.RetryScheduled r) {
            g.writeStringField("channel", channel(r.channel()));
            g.writeStringField("at", Instant.ofEpochMilli(r.atMillis()).toString());
        }
        if (event instanceof MessageEvent.Accepted a) g.writeStringField("sender", a.sender());
        if (event instanceof MessageEvent.BounceQueued q) g.writeStringField("bounce", q.bounceId());
        g.writeEndObject();
    }

    private static String kind(MessageEvent event) {
        if (event instanceof MessageEvent.Accepted) return "accepted";
        if (event instanceof MessageEvent.Delivered) return "delivered";
        if (event instanceof MessageEvent.Deferred) return "deferred";
        if (event instanceof MessageEvent.Failed) return "failed";
        if (event instanceof MessageEvent.RetryScheduled) return "retry";
        if (event instanceof MessageEvent.BounceQueued) return "bounce";
        if (event instanceof MessageEvent.Held h) return h.held() ? "held" : "released";
        return "other";
    }

    private static String channel(Channel c) {
        return c == Channel.LOCAL ? "local" : "remote";
    }

    private static void writeMessageFields(JsonGenerator g, MessageState m) throws IOException {
        var a = m.accepted();
        g.writeStringField("id", a.id());
        g.writeStringField("state", Selection.state(m));
        g.writeStringField("queued", Instant.ofEpochMilli(a.birthMillis()).toString());
        g.writeNumberField("bytes", a.body().size());
        g.writeStringField("sender", a.sender());
        g.writeStringField("origin", a.origin());
        g.writeBooleanField("held", m.held());
        g.writeBooleanField("bouncing", bouncing(m));
        for (Channel c : Channel.values()) {
            if (m.nextTry(c) > 0 && !m.pending(c).isEmpty()) {
                g.writeStringField(c == Channel.LOCAL ? "nextLocal" : "nextRemote",
                        Instant.ofEpochMilli(m.nextTry(c)).toString());
            }
        }
        g.writeArrayFieldStart("recipients");
        for (int i = 0; i < a.recipients().size(); i++) {
            var r = a.recipients().get(i);
            g.writeStartObject();
            g.writeStringField("address", r.address());
            g.writeStringField("channel", r.channel() == Channel.LOCAL ? "local" : "remote");
            g.writeStringField("status", m.status(i).name().toLowerCase(Locale.ROOT));
            if (m.report(i) != null) g.writeStringField("report", m.report(i));
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    static String json(Body body) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out + "\n";
    }
}
