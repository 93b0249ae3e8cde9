package dev.quail.engine.delivery;

import dev.quail.protocols.smtp.QueueResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A program in qmail-queue's place ($QMAILQUEUE for programs on the host, control/qmailqueue for the SMTP, QMTP and
 * QMQP front ends; QQ-01, ARCH-01): qmail-scanner, simscan, a spamc wrapper. It is run as qmail ran it: the message
 * on fd 0, streamed (never held whole), and the envelope ({@code Fsender\0Trcpt\0...\0}) readable on fd 1, from a
 * 0600 temporary file that a shell opens there ({@code 1<file}: Java cannot hand a child a readable fd 1 itself).
 *
 * <p>As in qmail the program replaces the queueing: to let a message through, the original or a replacement, it
 * runs {@code bin/qmail-queue} (the real one, which ignores QMAILQUEUE) with the message and envelope it wants
 * queued and exits with its code; Quail queues nothing of its own. Its exit is qmail-queue's (QQ-04): 0 queued,
 * 11–40 permanent, anything else temporary; a program still running after {@code timeout} is killed with its
 * children and counts as qmail-queue's 52, a timeout; one killed by a signal is "qq crashed", temporary.
 */
public final class QueueProgram {
    /** How the program ended: its exit code, or a crash. */
    public record Exit(int code, boolean crashed) {}

    /** A program that could not be started or waited for: temporary, as a crash. */
    public static final Exit NOT_RUN = new Exit(0, true);
    private static final int TIMEOUT = 52;

    private final String program;
    private final Duration timeout;
    private final Map<String, String> environment;

    /** {@code environment}: set for the program on top of this process's (QUAIL_HOME, say). */
    public QueueProgram(String program, Duration timeout, Map<String, String> environment) {
        this.program = program;
        this.timeout = timeout;
        this.environment = environment;
    }

    /** Runs the program on {@code message} (read to its end or until the program stops reading); blocking. */
    public Exit run(InputStream message, String sender, List<String> recipients) throws IOException,
            InterruptedException {
        Path envelope = Files.createTempFile("quail-qq-", ".envelope",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(envelope, envelope(sender, recipients));
            ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", "exec \"$0\" 1<\"$1\"", program,
                    envelope.toString()).redirectError(ProcessBuilder.Redirect.INHERIT);
            builder.environment().putAll(environment);
            Process p = builder.start();
            Thread feeder = new Thread(() -> feed(message, p.getOutputStream()), "qmailqueue-feeder");
            feeder.setDaemon(true);
            feeder.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
                return new Exit(TIMEOUT, false);
            }
            int status = p.exitValue();
            return new Exit(status, status > 128); // Java reports death by signal N as 128+N
        } finally {
            Files.deleteIfExists(envelope);
        }
    }

    /** qmail-smtpd's reply for each exit of qmail-queue (qmail.c's qmail_close, QQ-05). */
    public static QueueResult result(Exit exit, String id) {
        if (exit.crashed()) return new QueueResult.Temporary("4.3.0 qq crashed (#4.3.0)");
        return switch (exit.code()) {
            case 0 -> new QueueResult.Queued(id);
            case 11 -> new QueueResult.Permanent("5.1.3 envelope address too long for qq (#5.1.3)");
            case 31 -> new QueueResult.Permanent("5.3.0 mail server permanently rejected message (#5.3.0)");
            case 51 -> new QueueResult.Temporary("4.3.0 qq out of memory (#4.3.0)");
            case 52 -> new QueueResult.Temporary("4.3.0 qq timeout (#4.3.0)");
            case 53 -> new QueueResult.Temporary("4.3.0 qq write error or disk full (#4.3.0)");
            case 54 -> new QueueResult.Temporary("4.3.0 qq read error (#4.3.0)");
            case 55 -> new QueueResult.Temporary("4.3.0 qq unable to read configuration (#4.3.0)");
            case 56 -> new QueueResult.Temporary("4.3.0 qq trouble making network connection (#4.3.0)");
            case 61 -> new QueueResult.Temporary("4.3.0 qq trouble in home directory (#4.3.0)");
            case 71 -> new QueueResult.Temporary("4.3.0 mail server temporarily rejected message (#4.3.0)");
            case 72 -> new QueueResult.Temporary("4.4.1 connection to mail server timed out (#4.4.1)");
            case 73 -> new QueueResult.Temporary("4.4.1 connection to mail server rejected (#4.4.1)");
            case 74 -> new QueueResult.Temporary("4.4.2 communication with mail server failed (#4.4.2)");
            case 91 -> new QueueResult.Permanent("5.1.3 envelope format error (#5.1.3)");
            default -> exit.code() >= 11 && exit.code() <= 40
                    ? new QueueResult.Permanent("5.3.0 qq permanent problem (#5.3.0)")
                    : new QueueResult.Temporary("4.3.0 qq temporary problem (#4.3.0)");
        };
    }

    static byte[] envelope(String sender, List<String> recipients) {
        StringBuilder b = new StringBuilder("F").append(sender).append('\0');
        for (String r : recipients) b.append('T').append(r).append('\0');
        return b.append('\0').toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A program that exits without reading all of the message closes the pipe: its exit code tells the story. */
    private static void feed(InputStream message, OutputStream stdin) {
        try (message; stdin) {
            message.transferTo(stdin);
        } catch (IOException stoppedReading) {
            // see above
        }
    }
}
