/*
 * Progress: the live line on a terminal, redrawn in place (carriage return) four times a second from
 * whatever line supplier the run currently shows. Only used when System.console() is present and --json
 * is not given, so pipes and log files get the plain summary alone.
 */
package dev.quail.loadtest.generator;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

final class Progress implements AutoCloseable {

    private final PrintStream out;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "loadtest-progress");
        t.setDaemon(true);
        return t;
    });
    private volatile Supplier<String> line = () -> "";
    private int width;

    Progress(PrintStream out) {
        this.out = out;
        ticker.scheduleAtFixedRate(this::draw, 0, 250, TimeUnit.MILLISECONDS);
    }

    void show(Supplier<String> next) {
        line = next;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        draw();
        out.println();
        out.flush();
    }

    private synchronized void draw() {
        String text = line.get();
        out.print("\r" + text + " ".repeat(Math.max(0, width - text.length())));
        out.flush();
        width = text.length();
    }
}
