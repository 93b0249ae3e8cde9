package dev.quail.engine.admin;



import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.quail.engine.queue.MessageState;
import dev.quail.engine.remote.RemoteSpawn;
import dev.quail.persistence.events.Channel;
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
        if (json) return json(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("messages");
            for (MessageState m : messages) writeMessage(g, m);
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

    private static void writeMessage(JsonGenerator g, MessageState m) throws IOException {
        var a = m.accepted();
        g.writeStartObject();
        g.writeStringField("id", a.id());
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
        g.writeEndObject();
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
