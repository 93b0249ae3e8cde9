package dev.quail.engine.cli;

import dev.quail.engine.Main;
import dev.quail.persistence.maildir.Maildir;
import dev.quail.persistence.maildir.MaildirMailbox;
import dev.quail.persistence.maildir.MaildirWatch;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code quail maildirwatch}: qmail's maildirwatch (MDWATCH-01). With $MAILDIR naming a maildir, it clears a VT100
 * screen and prints a summary of each new message ({@link MaildirWatch}'s format), every 30 seconds or every
 * {@code --interval}; {@code --once} prints one screen and exits 0. No MAILDIR, or a directory that is not a
 * maildir, is fatal (111), as in qmail.
 */
@Command(name = "maildirwatch", description = "Watch $MAILDIR for new mail: a summary of each new message.")
public final class MaildirWatchCommand implements Callable<Integer> {
    /** VT100: cursor home, clear screen (what maildirwatch writes before each summary). */
    static final String CLEAR = "\033[;H\033[;J";

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "30",
            description = "Seconds between summaries (default: ${DEFAULT-VALUE})")
    long interval;

    @Option(names = "--once", description = "Print one summary and exit.")
    boolean once;

    @Override
    public Integer call() throws InterruptedException {
        String env = System.getenv("MAILDIR");
        if (env == null || env.isEmpty()) return fatal("MAILDIR not set");
        Path maildir = Path.of(env);
        if (!Maildir.isMaildir(maildir)) return fatal("unable to chdir to " + maildir + ": not a maildir");
        MaildirMailbox mailbox = new MaildirMailbox(maildir);
        PrintStream out = System.out;
        while (true) {
            try {
                out.print(CLEAR + MaildirWatch.summary(mailbox));
                out.flush();
            } catch (IOException e) {
                return fatal("unable to scan " + maildir + ": " + e.getMessage());
            }
            if (once) return 0;
            Thread.sleep(Math.max(1, interval) * 1000);
        }
    }

    private static int fatal(String why) {
        System.err.println("maildirwatch: fatal: " + why);
        return Main.TEMPORARY;
    }
}
