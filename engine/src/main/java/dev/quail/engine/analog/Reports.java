package dev.quail.engine.analog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * qmailanalog's reports over {@link Stats}, as text (each report a title, what its figures mean, then its figures,
 * columns lined up as qmailanalog's columnt does) or as one JSON object keyed by report name. Column names are
 * qmailanalog's, so scripts written against its output find the same fields. Delays are in seconds:
 * <ul>
 * <li>qtime: from a message's info line to its end line;</li>
 * <li>ddelay: from a message's info line to the end of one successful delivery of it;</li>
 * <li>xdelay: from the start of one delivery attempt to its result.</li>
 * </ul>
 */
public final class Reports {
    /** The reports, by qmailanalog's program names. */
    public enum Name {
        ZOVERALL, ZDDIST, ZRECIPIENTS, ZSENDERS, ZFAILURES, ZDEFERRALS;

        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @throws IllegalArgumentException for a name that is not a report's */
        public static Name of(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }

    private record Figure(String key, String label, Object value) {}

    private record Table(String title, String explanation, List<String> columns, List<List<Object>> rows) {}

    private Reports() {}

    public static void text(Stats s, List<Name> names, Writer out) throws IOException {
        for (Name n : names) {
            if (n == Name.ZOVERALL) {
                out.write("Basic statistics\n\n" + OVERALL_TEXT + "\n");
                for (Figure f : overall(s)) out.write(f.label() + ": " + format(f.value()) + "\n");
            } else {
                Table t = table(s, n);
                out.write(t.title() + "\n\n" + t.explanation() + "\n");
                List<List<Object>> lines = new ArrayList<>();
                lines.add(new ArrayList<>(t.columns()));
                lines.addAll(t.rows());
                out.write(columns(lines));
            }
            out.write("\n");
        }
    }

    public static void json(Stats s, List<Name> names, Writer out) throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            g.writeStartObject();
            for (Name n : names) {
                g.writeFieldName(n.text());
                if (n == Name.ZOVERALL) {
                    g.writeStartObject();
                    for (Figure f : overall(s)) field(g, f.key(), f.value());
                    g.writeEndObject();
                    continue;
                }
                Table t = table(s, n);
                g.writeStartArray();
                for (List<Object> row : t.rows()) {
                    g.writeStartObject();
                    for (int i = 0; i < row.size(); i++) field(g, t.columns().get(i), row.get(i));
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        out.write("\n");
    }

    private static final String OVERALL_TEXT = """
            A completed message is one whose info and end lines are both in the log.
            qtime is the time a message spent in the queue; ddelay the time from its queueing
            to the end of one successful delivery; xdelay the time one delivery attempt took.
            The average concurrency is the total xdelay over the time span: how busy the
            deliveries kept the server.
            """;

    private static List<Figure> overall(Stats s) {
        List<Figure> f = new ArrayList<>();
        f.add(new Figure("completedMessages", "Completed messages", s.messages));
        if (s.messages > 0) {
            f.add(new Figure("recipients", "Recipients for completed messages", s.recipients));
            f.add(new Figure("tries", "Total delivery attempts for completed messages", s.tries));
            f.add(new Figure("averageTries", "Average delivery attempts per completed message",
                    (double) s.tries / s.messages));
            f.add(new Figure("bytes", "Bytes in completed messages", s.messageBytes));
            f.add(new Figure("bytesWeightedBySuccess", "Bytes weighted by success", s.bytesWeightedBySuccess));
            f.add(new Figure("averageQtime", "Average message qtime (s)", seconds(s.qtime) / s.messages));
        }
        f.add(new Figure("deliveries", "Total delivery attempts", s.deliveries));
        if (s.deliveries > 0) {
            f.add(new Figure("successes", "  success", s.successes));
            f.add(new Figure("failures", "  failure", s.failures));
            f.add(new Figure("deferrals", "  deferral", s.deliveries - s.successes - s.failures));
            f.add(new Figure("ddelay", "Total ddelay (s)", seconds(s.ddelay)));
            if (s.ddelayCount > 0) {
                f.add(new Figure("averageDdelay", "Average ddelay per success (s)", seconds(s.ddelay) / s.ddelayCount));
            }
            f.add(new Figure("xdelay", "Total xdelay (s)", seconds(s.xdelay)));
            f.add(new Figure("averageXdelay", "Average xdelay per delivery attempt (s)",
                    seconds(s.xdelay) / s.deliveries));
            if (s.last > s.first) {
                f.add(new Figure("days", "Time span (days)", seconds(s.last - s.first) / 86400));
                f.add(new Figure("concurrency", "Average concurrency", (double) s.xdelay / (s.last - s.first)));
            }
        }
        return f;
    }

    private static Table table(Stats s, Name n) {
        return switch (n) {
            case ZDDIST -> new Table("Distribution of ddelays for successful deliveries", """
                    Each line: pct% of the successful deliveries had ended within doneby seconds
                    of their message's queueing, and their average ddelay was avg.
                    """, List.of("doneby", "avg", "pct"), ddist(s));
            case ZRECIPIENTS -> new Table("Recipients", """
                    One line per recipient: sbytes, the bytes delivered to it; mess, its deliveries
                    that ended (successes and failures); tries, every attempt (deferrals too);
                    xdelay, their total xdelay.
                    """, List.of("sbytes", "mess", "tries", "xdelay", "recipient"),
                    rows(s.byRecipient, (a, b) -> a.sbytes != b.sbytes ? Long.compare(b.sbytes, a.sbytes)
                            : Long.compare(b.mess, a.mess),
                            (k, r) -> List.of(r.sbytes, r.mess, r.tries, seconds(r.xdelay), k)));
            case ZSENDERS -> new Table("Senders", """
                    One line per envelope sender, from its completed messages: mess, the messages;
                    bytes, their size; sbytes, bytes times successful deliveries; rbytes, bytes
                    times recipients; recips, the recipients (successes and failures); tries, the
                    delivery attempts; xdelay, their total xdelay.
                    """, List.of("mess", "bytes", "sbytes", "rbytes", "recips", "tries", "xdelay", "sender"),
                    rows(s.bySender, (a, b) -> a.mess != b.mess ? Long.compare(b.mess, a.mess)
                            : Long.compare(b.bytes, a.bytes),
                            (k, r) -> List.of(r.mess, r.bytes, r.sbytes, r.rbytes, r.recips, r.tries,
                                    seconds(r.xdelay), k.isEmpty() ? "<>" : k)));
            case ZFAILURES -> reasons("Reasons for failure", "permanent failure", s.failureReasons);
            case ZDEFERRALS -> reasons("Reasons for deferral", "deferral", s.deferralReasons);
            case ZOVERALL -> throw new IllegalArgumentException("zoverall is not a table");
        };
    }

    private static Table reasons(String title, String what, Map<String, Stats.Reason> reasons) {
        return new Table(title, "One line per report text of a " + what + ": del, the deliveries\n"
                + "that ended so; xdelay, their total xdelay.\n", List.of("del", "xdelay", "reason"),
                rows(reasons, (a, b) -> a.del != b.del ? Long.compare(b.del, a.del) : Long.compare(b.xdelay, a.xdelay),
                        (k, r) -> List.of(r.del, seconds(r.xdelay), k)));
    }

    private interface Row<V> {
        List<Object> of(String key, V value);
    }

    /** One row per entry, by {@code order} and then by key, so equal figures always come out the same way. */
    private static <V> List<List<Object>> rows(Map<String, V> map, Comparator<V> order, Row<V> row) {
        Comparator<Map.Entry<String, V>> byValue = Map.Entry.comparingByValue(order);
        return map.entrySet().stream().sorted(byValue.thenComparing(Map.Entry.comparingByKey()))
                .map(e -> row.of(e.getKey(), e.getValue())).toList();
    }

    private static List<List<Object>> ddist(Stats s) {
        List<List<Object>> rows = new ArrayList<>();
        long count = 0;
        long sum = 0;
        for (int i = 0; i < s.ddistCount.length && count < s.ddelayCount; i++) {
            count += s.ddistCount[i];
            sum += s.ddistSum[i];
            if (s.ddistCount[i] == 0) continue;
            // The last row reaches 100%: its limit is the longest ddelay seen, which is never beyond its bucket's.
            long doneby = count == s.ddelayCount ? s.ddelayMax : Stats.DONEBY[i];
            rows.add(List.of(seconds(doneby), seconds(sum) / count, 100.0 * count / s.ddelayCount));
        }
        return rows;
    }

    private static double seconds(long millis) {
        return millis / 1000.0;
    }

    private static String format(Object value) {
        if (value instanceof Double d) {
            return BigDecimal.valueOf(d).setScale(6, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }

    private static void field(JsonGenerator g, String name, Object value) throws IOException {
        if (value instanceof Long l) g.writeNumberField(name, l);
        else if (value instanceof Double d) g.writeNumberField(name, new BigDecimal(format(d)));
        else g.writeStringField(name, String.valueOf(value));
    }

    /** columnt: every column as wide as its widest cell, numbers to the right, the last (text) column as it is. */
    private static String columns(List<List<Object>> lines) {
        int n = lines.get(0).size();
        int[] width = new int[n];
        for (List<Object> line : lines) {
            for (int i = 0; i < n - 1; i++) width[i] = Math.max(width[i], format(line.get(i)).length());
        }
        StringBuilder b = new StringBuilder();
        for (List<Object> line : lines) {
            for (int i = 0; i < n - 1; i++) {
                String text = format(line.get(i));
                b.append(" ".repeat(width[i] - text.length())).append(text).append("  ");
            }
            b.append(format(line.get(n - 1))).append('\n');
        }
        return b.toString();
    }
}
