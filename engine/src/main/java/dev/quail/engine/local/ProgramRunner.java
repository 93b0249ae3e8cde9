package dev.quail.engine.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs one {@code |program} line of a .qmail file as qmail-local's mailprogram does (DQ-31, DQ-32): {@code /bin/sh -c
 * command} in the mailbox's home, with Quail's environment plus qmail's variables, the message on stdin, stdout and
 * stderr together as the delivery report. The program need not read its input: the message is written from a
 * separate thread and a closed pipe is not an error. There is no time limit, as in qmail.
 *
 * <p>Departure: Java cannot tell "sh was killed by signal N" from "sh exited 128+N", so qmail's {@code Aack, child
 * crashed.} is never said; both are temporary failures anyway.
 */
final class ProgramRunner {
    /** The exit code and the first {@code Report.LIMIT + 1} bytes of output: enough to tell the report is too long. */
    record Result(int exitCode, byte[] output, int length) {}

    private ProgramRunner() {}

    static Result run(String command, Path home, Map<String, String> env, byte[] stdin)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command)
                .directory(home.toFile())
                .redirectErrorStream(true);
        builder.environment().remove("DEFAULT"); // only set when a -default file matched (DQ-22)
        builder.environment().putAll(env);
        Process process = builder.start();
        Thread feeder = new Thread(() -> feed(process.getOutputStream(), stdin), "quail-program-stdin");
        feeder.setDaemon(true);
        feeder.start();
        byte[] output = new byte[Report.LIMIT + 1];
        int length = 0;
        try (InputStream out = process.getInputStream()) {
            byte[] chunk = new byte[8192];
            int n;
            while ((n = out.read(chunk)) > 0) {
                int keep = Math.min(n, output.length - length);
                System.arraycopy(chunk, 0, output, length, keep);
                length += keep;
            }
        }
        int code = process.waitFor();
        feeder.join();
        return new Result(code, output, length);
    }

    private static void feed(OutputStream in, byte[] message) {
        try (in) {
            in.write(message);
        } catch (IOException programClosedItsInput) {
            // qmail's programs may exit without reading (SIGPIPE default): not a failure of the delivery
        }
    }
}
