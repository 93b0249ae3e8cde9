package dev.quail.engine.admin;

import dev.quail.engine.queue.MessageState;
import dev.quail.persistence.events.Channel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The queue's shape as Postfix's qshape draws it: pending recipients per destination domain in age buckets that
 * double from 5 minutes (the last one is everything older), plus messages by state and pending recipients by
 * channel. Only the {@code rows} busiest destinations get a row, so the table stays a page whatever the queue.
 */
record Shape(Map<String, Long> states, Map<String, Long> channels, List<Row> rows) {
    static final long[] MINUTES = {5, 10, 20, 40, 80, 160, 320, 640, 1280};
    static final List<String> LABELS = labels();

    record Row(String destination, long total, long[] counts) {}

    static Shape of(List<MessageState> messages, long nowMillis, int rows) {
        Map<String, Long> states = new LinkedHashMap<>();
        for (String s : Selection.STATES) states.put(s, 0L);
        Map<String, Long> channels = new LinkedHashMap<>();
        channels.put("local", 0L);
        channels.put("remote", 0L);
        Map<String, long[]> table = new HashMap<>();
        for (MessageState m : messages) {
            states.merge(Selection.state(m), 1L, Long::sum);
            int bucket = bucket((nowMillis - m.accepted().birthMillis()) / 60_000);
            for (int i = 0; i < m.accepted().recipients().size(); i++) {
                if (m.status(i) != MessageState.Status.PENDING) continue;
                channels.merge(m.recipient(i).channel() == Channel.LOCAL ? "local" : "remote", 1L, Long::sum);
                table.computeIfAbsent(Selection.domain(m.recipient(i).address()),
                        d -> new long[LABELS.size()])[bucket]++;
            }
        }
        List<Row> all = new ArrayList<>();
        table.forEach((d, counts) -> all.add(new Row(d, Arrays.stream(counts).sum(), counts)));
        all.sort(Comparator.comparingLong(Row::total).reversed().thenComparing(Row::destination));
        return new Shape(states, channels, all.subList(0, Math.min(rows, all.size())));
    }

    private static int bucket(long ageMinutes) {
        for (int i = 0; i < MINUTES.length; i++) if (ageMinutes < MINUTES[i]) return i;
        return MINUTES.length;
    }

    private static List<String> labels() {
        List<String> labels = new ArrayList<>();
        for (long m : MINUTES) labels.add(m + "m");
        labels.add(MINUTES[MINUTES.length - 1] + "m+");
        return List.copyOf(labels);
    }
}
