/*
 * SinkCounters: what the sink has accepted since it started: transactions (messages), recipients in
 * them, stored octets (the message as queued, the sink's Received line included), and connections.
 * Updated from every connection's stream at once; read by the per-second line and by STAT.
 */
package dev.quail.loadtest.sink;

import java.util.concurrent.atomic.LongAdder;

public final class SinkCounters {

    /** One reading; also the text of the STAT answer. */
    public record Counts(long messages, long recipients, long bytes, long connections) {

        public String statLine() {
            return "messages=" + messages + " recipients=" + recipients + " bytes=" + bytes
                    + " connections=" + connections;
        }

        /** Parses {@link #statLine()}, in any order; unknown keys are ignored. */
        public static Counts parse(String text) {
            long[] values = new long[4];
            String[] keys = {"messages", "recipients", "bytes", "connections"};
            for (String field : text.trim().split("\\s+")) {
                int eq = field.indexOf('=');
                for (int k = 0; k < keys.length && eq > 0; k++) {
                    if (field.substring(0, eq).equals(keys[k])) {
                        values[k] = Long.parseLong(field.substring(eq + 1));
                    }
                }
            }
            return new Counts(values[0], values[1], values[2], values[3]);
        }
    }

    private final LongAdder messages = new LongAdder();
    private final LongAdder recipients = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder connections = new LongAdder();

    void connected() {
        connections.increment();
    }

    void received(int recipientCount, int octets) {
        messages.increment();
        recipients.add(recipientCount);
        bytes.add(octets);
    }

    public Counts counts() {
        return new Counts(messages.sum(), recipients.sum(), bytes.sum(), connections.sum());
    }
}
