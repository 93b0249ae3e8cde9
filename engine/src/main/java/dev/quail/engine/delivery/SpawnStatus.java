package dev.quail.engine.delivery;

import dev.quail.engine.log.MessageLog;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The numbers behind qmail-send's {@code status: local l/L remote r/R} line: deliveries running and the limit
 * of each channel. Each spawn updates its own half; the line shows both.
 */
public final class SpawnStatus {
    /** Delivery numbers for the log, shared by both channels as qmail-send's are. */
    private final AtomicLong deliveries = new AtomicLong();
    private volatile int local;
    private volatile int localMax;
    private volatile int remote;
    private volatile int remoteMax;

    public AtomicLong deliveries() { return deliveries; }

    public void local(int running, int max) {
        local = running;
        localMax = max;
        MessageLog.status(local, localMax, remote, remoteMax);
    }

    public void remote(int running, int max) {
        remote = running;
        remoteMax = max;
        MessageLog.status(local, localMax, remote, remoteMax);
    }
}
