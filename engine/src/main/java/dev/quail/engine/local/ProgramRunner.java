package dev.quail.engine.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one {@code |program} line of a .qmail file as qmail-local's mailprogram does (DQ-31, DQ-32): {@code /bin/sh -c
 * command} in the mailbox's home, with Quail's environment plus qmail's variables, the message on stdin, stdout and
 * stderr together as the delivery report. The program need not read its input: the message is streamed from a
 * separate thread, a buffer at a time, and a closed pipe is not an error.
 *
 * <p>Beyond qmail, a program has a time limit (control/timeoutprogram): one that has not ended by then is killed
 * with everything it started (its descendants first, so none escapes by the shell's death), and the run reports
 * that it timed out. A local delivery slot is therefore never held much longer than the limit. The run ends with
 * the shell: output still coming after it exited is waited for only briefly, so a background child that keeps the
 * output pipe open does not hold the delivery (qmail-local would wait for it; the thread reading the pipe is left
 * to end with that child). A descendant that left the process tree before the kill (a daemon that double-forked)
 * cannot be found, and is left alone, as qmail leaves it.
 *
 * <p>Departure: Java cannot tell "sh was killed by signal N" from "sh exited 128+N", so qmail's {@code Aack, child
 * crashed.} is never said; both are temporary failures anyway.
 */
final class ProgramRunner {
    /**
     * The exit code and the first {@code Report.LIMIT + 1} bytes of output: enough to tell the report is too long;
     * {@code timedOut}: the program was killed at the limit (its exit code means nothing then).
     */
    record Result(int exitCode, byte[] output, int length, boolean timedOut) {}

    /** How long the threads around an ended or killed program get to finish: EOF normally comes at once. */
    private static final long GRACE_MILLIS = 500;
    /** Rounds of killing descendants, for programs that start new ones while they are being killed. */
    private static final int KILL_ROUNDS = 3;

    private ProgramRunner() {}

    static Result run(String command, Path home, Map<String, String> env, InputStream stdin, Duration limit)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command)
                .directory(home.toFile())
                .redirectErrorStream(true);
        builder.environment().remove("DEFAULT"); // only set when a -default file matched (DQ-22)
        builder.environment().putAll(env);
        Process process = builder.start();
        Thread feeder = daemon("quail-program-stdin", () -> feed(process.getOutputStream(), stdin));
        Output output = new Output(process.getInputStream());
        Thread collector = daemon("quail-program-output", output::collect);
        boolean timedOut = !process.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS);
        if (timedOut) killTree(process);
        collector.join(GRACE_MILLIS);
        feeder.join(GRACE_MILLIS);
        return output.result(timedOut ? -1 : process.exitValue(), timedOut);
    }

    private static Thread daemon(String name, Runnable work) {
        Thread t = new Thread(work, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void killTree(Process process) throws InterruptedException {
        for (int round = 0; round < KILL_ROUNDS && process.descendants().findAny().isPresent(); round++) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
        }
        process.destroyForcibly().waitFor(GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static void feed(OutputStream in, InputStream message) {
        try (in) {
            message.transferTo(in);
        } catch (IOException programClosedItsInputOrTheMessageIsUnreadable) {
            // qmail's programs may exit without reading (SIGPIPE default): not a failure of the delivery; a message
            // that could not be read is seen by the caller (MessageInput)
        }
    }

    /** The program's output as it comes, kept up to what a report can show. */
    private static final class Output {
        private final InputStream in;
        private final byte[] kept = new byte[Report.LIMIT + 1];
        private volatile int length;

        Output(InputStream in) {
            this.in = in;
        }

        void collect() {
            byte[] chunk = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(chunk)) > 0) {
                    int keep = Math.min(n, kept.length - length);
                    System.arraycopy(chunk, 0, kept, length, keep);
                    length += keep;
                }
            } catch (IOException closed) {
                // the program is gone: what came before is the report
            }
        }

        Result result(int exitCode, boolean timedOut) {
            int n = length;
            return new Result(exitCode, kept.clone(), n, timedOut);
        }
    }
}
