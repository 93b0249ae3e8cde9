package dev.quail.engine.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a checkpassword program (CKPW-01, cr.yp.to/checkpwd/interface.html) the way qmail-popup does (POP-03), so
 * vpopmail's vchkpw, VMailMgr's checkvpw or djb's checkpassword decide POP3 logins. The command line is
 * control/checkpassword's, run by /bin/sh. The program reads {@code login\0password\0timestamp\0} from descriptor
 * 3 and, when it accepts, sets up the user's environment and runs the rest of its arguments. Java cannot hand a
 * child a descriptor 3, so the program is started as {@code exec COMMAND "$@" 3<&0 </dev/null}: the credentials
 * arrive on Java's pipe moved to descriptor 3, and standard input is empty. Its "rest of arguments" is a tiny
 * shell that prints $HOME, which checkpassword has set: the mailbox served is $HOME/Maildir, as qmail-pop3d's
 * {@code Maildir} argument means. Its standard error is the server's.
 *
 * Exit 0 with a home: accepted. Killed by a signal (or exiting 128 and above, as a shell reports a signal), not
 * startable, or still running after the time limit (control/timeoutcheckpassword, 60 s by default; then it is
 * killed): crashed. Any other exit (1 bad password, 2 misuse, 111 temporary trouble): refused.
 */
final class Checkpassword {
    /** qmail-popup hands at most this much to checkpassword, and checkpassword reads no more (CKPW-01). */
    static final int MAX_INPUT = 512;

    sealed interface Result {}

    /** {@code home} is what the program set $HOME to; empty when it set none. */
    record Accepted(String home) implements Result {}

    record Refused(int exit) implements Result {}

    record Crashed(String why) implements Result {}

    private Checkpassword() {}

    static Result run(String commandLine, String login, byte[] secret, String timestamp, Duration limit) {
        byte[] credentials = fields(login.getBytes(StandardCharsets.ISO_8859_1), secret,
                timestamp.getBytes(StandardCharsets.ISO_8859_1));
        try {
            if (credentials.length > MAX_INPUT) return new Refused(2);
            Process process;
            try {
                process = new ProcessBuilder(List.of("/bin/sh", "-c", "exec " + commandLine + " \"$@\" 3<&0 </dev/null",
                        "checkpassword", "/bin/sh", "-c", "printf '%s' \"$HOME\""))
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
            } catch (IOException e) {
                return new Crashed("unable to run " + commandLine + ": " + e.getMessage());
            }
            try (OutputStream in = process.getOutputStream()) {
                in.write(credentials);
            } catch (IOException programDidNotRead) {
                // It may decide without reading everything; its exit status says what it decided.
            }
            // A watchdog, not a timed wait: a hung program holds its output open, and reading it would never end.
            AtomicBoolean expired = new AtomicBoolean();
            CompletableFuture.delayedExecutor(limit.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                if (!process.isAlive()) return;
                expired.set(true);
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            });
            byte[] home = readHome(process.getInputStream());
            int exit = process.waitFor();
            if (expired.get()) return new Crashed("checkpassword timed out after " + limit.toSeconds() + " s");
            if (exit >= 128) return new Crashed("checkpassword exited " + exit);
            if (exit != 0) return new Refused(exit);
            return new Accepted(new String(home, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Crashed("checkpassword: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Crashed("interrupted");
        } finally {
            Arrays.fill(credentials, (byte) 0);
        }
    }

    /** What the accepted program printed: $HOME, bounded so a confused program cannot flood the server. */
    private static byte[] readHome(InputStream out) throws IOException {
        try (out) {
            byte[] home = out.readNBytes(4096);
            out.transferTo(OutputStream.nullOutputStream());
            return home;
        }
    }

    /** Each field followed by a NUL, in one array the caller can wipe. */
    private static byte[] fields(byte[]... fields) {
        int length = 0;
        for (byte[] f : fields) length += f.length + 1;
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] f : fields) {
            System.arraycopy(f, 0, out, at, f.length);
            at += f.length + 1;
        }
        return out;
    }
}
