package dev.quail.engine.remote;

import java.util.ArrayDeque;
import java.util.List;

/**
 * What `quail sites` shows of one Host while it lives: connections open, recipients waiting for a connection,
 * transactions finished in the last minute, and the first line of the last few replies. The Host writes it and
 * the RemoteSpawn reads it, from their own threads: every method is synchronized. It outlives a restart of its
 * Host (the RemoteSpawn keeps it) and goes when the Host is passivated.
 */
final class SiteStats {
    static final int REPLIES = 3;

    private final long[] perSecond = new long[60];
    private final long[] secondOf = new long[60];
    private final ArrayDeque<String> replies = new ArrayDeque<>();
    private int connections;
    private int ready;

    synchronized void state(int connections, int ready) {
        this.connections = connections;
        this.ready = ready;
    }

    synchronized void finished(long nowMillis, String reply) {
        long second = nowMillis / 1000;
        int slot = (int) (second % 60);
        if (secondOf[slot] != second) {
            secondOf[slot] = second;
            perSecond[slot] = 0;
        }
        perSecond[slot]++;
        if (replies.size() == REPLIES) replies.pollFirst();
        replies.addLast(reply);
    }

    synchronized int connections() {
        return connections;
    }

    synchronized int ready() {
        return ready;
    }

    /** Transactions finished in the last 60 seconds. */
    synchronized long lastMinute(long nowMillis) {
        long now = nowMillis / 1000;
        long sum = 0;
        for (int i = 0; i < 60; i++) {
            if (now - secondOf[i] < 60) sum += perSecond[i];
        }
        return sum;
    }

    synchronized List<String> replies() {
        return List.copyOf(replies);
    }
}
