package dev.quail.engine.analog;

import java.util.HashMap;
import java.util.Map;

/**
 * qmailanalog's matchup, streaming: it pairs each {@code starting delivery} with its result into a
 * {@link Delivery}, and each message's {@code info msg} with its {@code end msg} into a {@link Message}, and hands
 * them to a listener as they complete. It holds one small record per message and per delivery in flight, nothing
 * per finished one, so a log of any length costs the memory of its busiest moment.
 *
 * <p>Delivery numbers start again at 1 when the server restarts: a {@code starting delivery} replaces an earlier
 * start of the same number whose result was never logged. A delivery of a message whose {@code info msg} came
 * before the log (or before {@code --since}) has no birth and no size ({@link #UNKNOWN}); such a message is never
 * counted as completed, as matchup leaves it out until it has seen the whole message.
 */
public final class Matchup {
    public static final long UNKNOWN = -1;

    /** One delivery attempt; times in epoch milliseconds. */
    public record Delivery(LogEvent.Outcome outcome, long birth, long start, long end, long bytes, String recipient,
                           String report) {
        public long xdelay() {
            return end - start;
        }
    }

    /** One message from its info line to its end line, with the results of its deliveries in between. */
    public record Message(long birth, long end, long bytes, String sender, int successes, int failures,
                          int deferrals, long xdelay) {}

    public interface Listener {
        void delivery(Delivery delivery);

        void message(Message message);
    }

    private static final class InFlight {
        final long birth;
        final long bytes;
        final String sender;
        int successes;
        int failures;
        int deferrals;
        long xdelay;

        InFlight(long birth, long bytes, String sender) {
            this.birth = birth;
            this.bytes = bytes;
            this.sender = sender;
        }
    }

    private final Listener listener;
    private final Map<String, InFlight> messages = new HashMap<>();
    private final Map<Long, LogEvent.Start> deliveries = new HashMap<>();

    public Matchup(Listener listener) {
        this.listener = listener;
    }

    public void accept(LogEvent event) {
        if (event instanceof LogEvent.Info i) {
            messages.put(i.id(), new InFlight(i.millis(), i.bytes(), i.sender()));
        } else if (event instanceof LogEvent.Start s) {
            deliveries.put(s.delivery(), s);
        } else if (event instanceof LogEvent.Result r) {
            LogEvent.Start start = deliveries.remove(r.delivery());
            if (start != null) finish(start, r);
        } else if (event instanceof LogEvent.End e) {
            InFlight m = messages.remove(e.id());
            if (m != null) {
                listener.message(new Message(m.birth, e.millis(), m.bytes, m.sender, m.successes, m.failures,
                        m.deferrals, m.xdelay));
            }
        }
    }

    private void finish(LogEvent.Start start, LogEvent.Result result) {
        InFlight m = messages.get(start.id());
        Delivery d = new Delivery(result.outcome(), m == null ? UNKNOWN : m.birth, start.millis(), result.millis(),
                m == null ? UNKNOWN : m.bytes, start.recipient(), result.report());
        if (m != null) {
            switch (d.outcome()) {
                case SUCCESS -> m.successes++;
                case FAILURE -> m.failures++;
                case DEFERRAL -> m.deferrals++;
            }
            m.xdelay += d.xdelay();
        }
        listener.delivery(d);
    }
}
