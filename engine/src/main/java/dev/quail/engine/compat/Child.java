package dev.quail.engine.compat;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A program a .qmail helper runs (bouncesaying, except, condredirect, preline, predate), seen the way qmail's helpers
 * see a forked child: its output goes where the helper's goes (into the delivery report), and it ends with an exit
 * code or a crash. A program that cannot be started ends at once as qmail's child does after a failed execvp: 111
 * when the error is temporary, else 100.
 *
 * <p>Java reports a child killed by signal N as exit 128+N, so an exit above 128 counts as a crash: the helpers then
 * answer 111, temporary, which is the safe side when a program's own 129 cannot be told from a SIGHUP.
 */
public final class Child {
    /** How the child ended. */
    public record End(int code, boolean crashed) {
        /** qmail's helpers pass both on as 111. */
        public boolean temporary() {
            return crashed || code == 111;
        }

        public boolean success() {
            return !crashed && code == 0;
        }
    }

    private static final Pattern ERRNO = Pattern.compile("error=(\\d+)");
    /** qmail's error_temp: interruption, I/O, memory, busy or exhausted resources, network and NFS trouble. */
    private static final Set<Integer> TEMPORARY_ERRNOS =
            Set.of(4, 5, 11, 12, 23, 24, 26, 35, 66, 100, 101, 104, 110, 111, 112, 113, 116, 122);

    private final Process process;
    private final End failedToStart;

    private Child(Process process, End failedToStart) {
        this.process = process;
        this.failedToStart = failedToStart;
    }

    /** Starts {@code argv} (found on PATH) with the given stdin; stdout and stderr are this process's. */
    public static Child start(List<String> argv, ProcessBuilder.Redirect stdin) {
        try {
            Process p = new ProcessBuilder(argv).redirectInput(stdin).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            return new Child(p, null);
        } catch (IOException e) {
            System.err.println(argv.get(0) + ": unable to run: " + e.getMessage());
            return new Child(null, new End(temporary(e) ? 111 : 100, false));
        }
    }

    /** Where to write the child's input when it was started with {@link ProcessBuilder.Redirect#PIPE}. */
    public OutputStream stdin() {
        return process == null ? OutputStream.nullOutputStream() : process.getOutputStream();
    }

    public End await() throws InterruptedException {
        if (process == null) return failedToStart;
        int status = process.waitFor();
        return new End(status, status > 128);
    }

    /** Runs {@code argv} to its end. */
    public static End run(List<String> argv, ProcessBuilder.Redirect stdin) throws InterruptedException {
        return start(argv, stdin).await();
    }

    static boolean temporary(IOException e) {
        Matcher m = ERRNO.matcher(String.valueOf(e.getMessage()));
        return !m.find() || TEMPORARY_ERRNOS.contains(Integer.parseInt(m.group(1)));
    }
}
