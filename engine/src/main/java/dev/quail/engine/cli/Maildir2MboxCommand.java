package dev.quail.engine.cli;

import dev.quail.engine.Main;
import dev.quail.persistence.mbox.MaildirToMbox;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * {@code quail maildir2mbox}: qmail's maildir2mbox (M2MBOX-01). Moves the messages of $MAILDIR into the mbox file
 * $MAIL through $MAILTMP (which must be on $MAIL's file system), oldest first; the maildir files are removed only
 * once the new mbox is in place. As in qmail, relative $MAIL and $MAILTMP are relative to $MAILDIR (qmail changes
 * into it first). Exit 0 when done or when there was nothing to move, 111 on any trouble.
 */
@Command(name = "maildir2mbox", description = "Move $MAILDIR's messages into the mbox $MAIL via $MAILTMP.")
public final class Maildir2MboxCommand implements Callable<Integer> {
    private static final String FATAL = "maildir2mbox: fatal: ";

    @Override
    public Integer call() {
        return run(System.getenv());
    }

    static int run(Map<String, String> env) {
        String mail = env.get("MAIL");
        if (mail == null) return fatal("MAIL not set");
        String tmp = env.get("MAILTMP");
        if (tmp == null) return fatal("MAILTMP not set");
        String maildir = env.get("MAILDIR");
        if (maildir == null) return fatal("MAILDIR not set");
        Path dir = Path.of(maildir);
        try {
            MaildirToMbox.run(dir, dir.resolve(mail), dir.resolve(tmp),
                    warning -> System.err.println("maildir2mbox: warning: " + warning));
            return 0;
        } catch (IOException e) {
            return fatal(e.getMessage());
        }
    }

    private static int fatal(String why) {
        System.err.println(FATAL + why);
        return Main.TEMPORARY;
    }
}
