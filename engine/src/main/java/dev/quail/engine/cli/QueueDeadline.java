package dev.quail.engine.cli;

import dev.quail.engine.compat.QqException;
import java.util.concurrent.TimeUnit;

/**
 * a queueing program gives up after 24 hours (exit 52), so a caller that never closes its pipes cannot keep it
 * forever. It halts without cleaning up, as qmail does from its alarm: nothing is queued before the whole input is in.
 */
final class QueueDeadline {
    static final long HOURS = 24;

    private QueueDeadline() {}

    static void start() {
        Thread alarm = new Thread(() -> {
            try {
                TimeUnit.HOURS.sleep(HOURS);
                System.err.println("queue program: timed out after " + HOURS + " hours");
                Runtime.getRuntime().halt(QqException.TIMEOUT);
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            }
        }, "quail-queue-deadline");
        alarm.setDaemon(true);
        alarm.start();
    }
}
