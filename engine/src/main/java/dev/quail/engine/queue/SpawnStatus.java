package dev.quail.engine.queue;

/**
 * The numbers behind qmail-send's {@code status: local l/L remote r/R} line: deliveries running and the limit
 * of each channel. Each spawn updates its own half; the line shows both.
 */
public final class SpawnStatus {
    private volatile int local;
    private volatile int localMax;
    private volatile int remote;
    private volatile int remoteMax;

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
