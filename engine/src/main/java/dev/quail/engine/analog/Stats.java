package dev.quail.engine.analog;

import java.util.HashMap;
import java.util.Map;

/**
 * What qmailanalog's reports add up, fed by {@link Matchup}. Times are kept in milliseconds. The tables grow with the
 * number of distinct senders, recipients and reasons, not with the number of messages; the delay distribution is a
 * fixed set of buckets, so it costs the same for ten deliveries as for ten million.
 */
public final class Stats implements Matchup.Listener {
    /** zddist's "done by" limits, in milliseconds: from 10 ms (a local delivery) to two weeks (past queuelifetime). */
    static final long[] DONEBY = {10, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 30_000, 60_000, 120_000,
        300_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 43_200_000, 86_400_000, 172_800_000,
        345_600_000, 604_800_000, 1_209_600_000};

    /** zoverall's sums. */
    long messages;
    long recipients;
    long tries;
    long messageBytes;
    long bytesWeightedBySuccess;
    long qtime;
    long deliveries;
    long successes;
    long failures;
    long ddelay;
    long ddelayCount;
    long ddelayMax;
    long xdelay;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;

    /** zddist: successes with a known birth whose ddelay is at most DONEBY[i] (and above DONEBY[i - 1]). */
    final long[] ddistCount = new long[DONEBY.length + 1];
    final long[] ddistSum = new long[DONEBY.length + 1];

    /** zrecipients: per recipient address. */
    static final class Recipient {
        long sbytes;
        long mess;
        long tries;
        long xdelay;
    }

    /** zsenders: per envelope sender, from completed messages. */
    static final class Sender {
        long mess;
        long bytes;
        long sbytes;
        long rbytes;
        long recips;
        long tries;
        long xdelay;
    }

    /** zfailures and zdeferrals: per report text. */
    static final class Reason {
        long del;
        long xdelay;
    }

    final Map<String, Recipient> byRecipient = new HashMap<>();
    final Map<String, Sender> bySender = new HashMap<>();
    final Map<String, Reason> failureReasons = new HashMap<>();
    final Map<String, Reason> deferralReasons = new HashMap<>();

    @Override
    public void delivery(Matchup.Delivery d) {
        deliveries++;
        xdelay += d.xdelay();
        span(d.start(), d.end());
        Recipient r = byRecipient.computeIfAbsent(d.recipient(), k -> new Recipient());
        r.tries++;
        r.xdelay += d.xdelay();
        switch (d.outcome()) {
            case SUCCESS -> {
                successes++;
                r.mess++;
                if (d.bytes() != Matchup.UNKNOWN) r.sbytes += d.bytes();
                if (d.birth() != Matchup.UNKNOWN) delayed(d.end() - d.birth());
            }
            case FAILURE -> {
                failures++;
                r.mess++;
                reason(failureReasons, d);
            }
            case DEFERRAL -> reason(deferralReasons, d);
        }
    }

    @Override
    public void message(Matchup.Message m) {
        messages++;
        long recips = m.successes() + m.failures();
        recipients += recips;
        tries += recips + m.deferrals();
        messageBytes += m.bytes();
        bytesWeightedBySuccess += m.bytes() * m.successes();
        qtime += m.end() - m.birth();
        span(m.birth(), m.end());
        Sender s = bySender.computeIfAbsent(m.sender(), k -> new Sender());
        s.mess++;
        s.bytes += m.bytes();
        s.sbytes += m.bytes() * m.successes();
        s.rbytes += m.bytes() * recips;
        s.recips += recips;
        s.tries += recips + m.deferrals();
        s.xdelay += m.xdelay();
    }

    private void delayed(long millis) {
        ddelay += millis;
        ddelayCount++;
        ddelayMax = Math.max(ddelayMax, millis);
        int bucket = 0;
        while (bucket < DONEBY.length && millis > DONEBY[bucket]) bucket++;
        ddistCount[bucket]++;
        ddistSum[bucket] += millis;
    }

    private static void reason(Map<String, Reason> reasons, Matchup.Delivery d) {
        String text = d.report().endsWith("/") ? d.report().substring(0, d.report().length() - 1) : d.report();
        Reason r = reasons.computeIfAbsent(text, k -> new Reason());
        r.del++;
        r.xdelay += d.xdelay();
    }

    private void span(long from, long to) {
        first = Math.min(first, from);
        last = Math.max(last, to);
    }
}
