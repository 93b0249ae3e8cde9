package dev.quail.engine.cli;

import dev.quail.engine.Home;
import dev.quail.engine.Main;
import dev.quail.engine.compat.AutoReply;
import dev.quail.engine.compat.Child;
import dev.quail.engine.compat.HostQueue;
import dev.quail.engine.compat.MaildropQueue;
import dev.quail.engine.compat.QqException;
import dev.quail.engine.compat.Receipt;
import dev.quail.engine.compat.RecentReplies;
import dev.quail.protocols.smtp.QueueResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * The programs qmail users name in their .qmail files (BS-01, CR-01, EXCEPT-01, FWD-01, PRELINE-01, DATEMAIL-01,
 * QRECEIPT), run by bin/ as qmail-local runs them: the message on stdin, qmail-local's environment (SENDER, NEWSENDER,
 * RECIPIENT, DTLINE, RPLINE, UFLINE...), stdout and stderr as the delivery report, and the exit codes .qmail
 * processing reads (0 go on, 99 stop here, 100 bounce, 111 try again later). Arguments are taken as they come, so a
 * program's own options ({@code grep -q}) are never read as ours. Messages they queue (forward, condredirect,
 * qreceipt) go through {@link MaildropQueue}, qmail-queue's path, into the home named by $QUAIL_HOME.
 */
public final class DotQmailHelpers {
    private DotQmailHelpers() {}

    /**
     * A helper's arguments, taken as they come, so a program's own options ({@code grep -q}) are never read as ours;
     * fewer than it needs is qmail's usage error, 100.
     */
    abstract static class Helper implements Callable<Integer> {
        @Unmatched
        List<String> args = new ArrayList<>();

        private final int needs;
        private final String usage;

        Helper(int needs, String usage) {
            this.needs = needs;
            this.usage = usage;
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            if (args.size() < needs) return usage(usage);
            return run(args);
        }

        abstract int run(List<String> args) throws IOException, InterruptedException;
    }

    @Command(name = "bouncesaying", description = "Bounce with ERROR, or only when PROGRAM exits 0 (qmail's bouncesaying).")
    public static final class Bouncesaying extends Helper {
        public Bouncesaying() {
            super(1, "bouncesaying error [ program [ arg ... ] ]");
        }

        @Override
        int run(List<String> args) throws InterruptedException {
            if (args.size() > 1) {
                Optional<Integer> stop = unlessSuccess("bouncesaying", Child.run(args.subList(1, args.size()),
                        ProcessBuilder.Redirect.INHERIT));
                if (stop.isPresent()) return stop.get();
            }
            System.err.println(args.get(0));
            return Main.USAGE;
        }
    }

    @Command(name = "except", description = "Run PROGRAM and turn its success into a bounce (qmail's except).")
    public static final class Except extends Helper {
        public Except() {
            super(1, "except program [ arg ... ]");
        }

        @Override
        int run(List<String> args) throws InterruptedException {
            return unlessSuccess("except", Child.run(args, ProcessBuilder.Redirect.INHERIT)).orElse(Main.USAGE);
        }
    }

    @Command(name = "condredirect", description = "Redirect the message to ADDRESS when PROGRAM exits 0 (qmail's condredirect).")
    public static final class Condredirect extends Helper {
        /** qmail-local's "success, ignore the rest of the .qmail file" (DQ-31). */
        static final int STOP = 99;

        public Condredirect() {
            super(2, "condredirect newaddress program [ arg ... ]");
        }

        @Override
        int run(List<String> args) throws IOException, InterruptedException {
            Optional<String> sender = env("condredirect", "SENDER");
            Optional<String> dtline = env("condredirect", "DTLINE");
            if (sender.isEmpty() || dtline.isEmpty()) return Main.USAGE;
            // The program reads the message, and so does the redirect after it: qmail rewinds its seekable stdin;
            // here stdin may be a pipe, so the message is kept in a file the program reads as its stdin.
            Path spool = Files.createTempFile("quail-condredirect", ".msg");
            try {
                try (OutputStream out = Files.newOutputStream(spool)) {
                    System.in.transferTo(out);
                }
                Optional<Integer> stop = unlessSuccess("condredirect", Child.run(args.subList(1, args.size()),
                        ProcessBuilder.Redirect.from(spool.toFile())));
                if (stop.isPresent()) return stop.get();
                try (InputStream message = Files.newInputStream(spool)) {
                    return queue("condredirect", dtline.get(), message, sender.get(), List.of(args.get(0)), STOP);
                }
            } finally {
                Files.deleteIfExists(spool);
            }
        }
    }

    @Command(name = "forward", description = "Forward the message to ADDRESS... from $NEWSENDER (qmail's forward).")
    public static final class Forward extends Helper {
        public Forward() {
            super(1, "forward address [ address ... ]");
        }

        @Override
        int run(List<String> args) {
            Optional<String> sender = env("forward", "NEWSENDER");
            Optional<String> dtline = env("forward", "DTLINE");
            if (sender.isEmpty() || dtline.isEmpty()) return Main.USAGE;
            return queue("forward", dtline.get(), System.in, sender.get(), args, 0);
        }
    }

    @Command(name = "preline", description = "Feed PROGRAM $UFLINE, $RPLINE, $DTLINE and the message (qmail's preline).")
    public static final class Preline extends Helper {
        private static final String USAGE = "preline [ -frdFRD ] command [ arg ... ]";

        public Preline() {
            super(1, USAGE);
        }

        @Override
        int run(List<String> args) throws InterruptedException {
            boolean from = true;
            boolean returnPath = true;
            boolean deliveredTo = true;
            int n = 0;
            for (; n < args.size() && args.get(n).startsWith("-") && args.get(n).length() > 1; n++) {
                if (args.get(n).equals("--")) {
                    n++;
                    break;
                }
                for (char c : args.get(n).substring(1).toCharArray()) {
                    switch (c) {
                        case 'f', 'F' -> from = c == 'F';
                        case 'r', 'R' -> returnPath = c == 'R';
                        case 'd', 'D' -> deliveredTo = c == 'D';
                        default -> {
                            return usage(USAGE);
                        }
                    }
                }
            }
            if (n == args.size()) return usage(USAGE);
            Optional<String> ufline = env("preline", "UFLINE");
            Optional<String> rpline = env("preline", "RPLINE");
            Optional<String> dtline = env("preline", "DTLINE");
            if (ufline.isEmpty() || rpline.isEmpty() || dtline.isEmpty()) return Main.USAGE;
            String head = (from ? ufline.get() : "") + (returnPath ? rpline.get() : "") + (deliveredTo ? dtline.get() : "");
            return feed("preline", args.subList(n, args.size()), head);
        }
    }

    /** predate, which bin/datemail runs as {@code predate sendmail ARGS}. */
    @Command(name = "predate", description = "Feed PROGRAM a Date: line in local time, then stdin (qmail's predate).")
    public static final class Predate extends Helper {
        private static final DateTimeFormatter DATE =
                DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss xx", Locale.ROOT);

        public Predate() {
            super(1, "predate child [ arg ... ]");
        }

        @Override
        int run(List<String> args) throws InterruptedException {
            return feed("predate", args, "Date: " + DATE.format(ZonedDateTime.now()) + "\n");
        }
    }

    @Command(name = "qreceipt", description = "Answer a Notice-Requested-Upon-Delivery-To naming ADDRESS (qmail's qreceipt).")
    public static final class Qreceipt extends Helper {
        public Qreceipt() {
            super(1, "qreceipt deliveryaddress");
        }

        @Override
        int run(List<String> args) throws IOException {
            Optional<String> sender = env("qreceipt", "SENDER");
            if (sender.isEmpty()) return Main.USAGE;
            Optional<byte[]> notice = Receipt.of(System.in, args.get(0), sender.get());
            if (notice.isEmpty()) return 0;
            return queue("qreceipt", "", new ByteArrayInputStream(notice.get()), "", List.of(sender.get()), 0);
        }
    }

    /**
     * An out-of-office answer (qmail-autoresponder's job, RFC 3834's rules: {@link AutoReply}): DIRECTORY/message is
     * the answer (header fields, an empty line, the text; %S in its Subject is the original's), DIRECTORY/sent/ who
     * was answered when ({@link RecentReplies}); a sender hears from the mailbox once per {@code -t} seconds (7 days
     * by default, as vacation). Never a reason to bounce the message it answers: a missing template or a refused
     * answer is said on stdout and the .qmail goes on; only a temporary failure to queue the answer defers the
     * delivery (111), which is why the web admin writes this line before ./Maildir/, so the retry writes no copy.
     */
    @Command(name = "autorespond", description = "Answer each sender once per period with DIR/message (an out-of-office reply).")
    public static final class Autorespond extends Helper {
        private static final String USAGE = "autorespond [ -t seconds ] directory";
        static final Duration EVERY = Duration.ofDays(7);
        private static final int MAX_TEMPLATE = 64 * 1024;

        public Autorespond() {
            super(1, USAGE);
        }

        @Override
        int run(List<String> args) throws IOException {
            Duration every = EVERY;
            int n = 0;
            if (args.get(0).equals("-t")) {
                if (args.size() < 2 || !args.get(1).matches("[0-9]{1,9}")) return usage(USAGE);
                every = Duration.ofSeconds(Long.parseLong(args.get(1)));
                n = 2;
            }
            if (args.size() != n + 1) return usage(USAGE);
            Optional<String> sender = env("autorespond", "SENDER");
            Optional<String> recipient = env("autorespond", "RECIPIENT");
            if (sender.isEmpty() || recipient.isEmpty()) return Main.USAGE;
            Path dir = Path.of(args.get(n));
            Path file = dir.resolve("message");
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_TEMPLATE) {
                System.out.println("autorespond: no answer: " + file + " is missing or over " + MAX_TEMPLATE
                        + " bytes");
                return 0;
            }
            AutoReply.Template template = AutoReply.Template.parse(Files.readString(file));
            String mailbox = template.address().orElse(recipient.get());
            Instant now = Instant.now();
            AutoReply.Decision decision = AutoReply.decide(System.in, sender.get(), mailbox, template, now);
            if (decision instanceof AutoReply.Decision.Silence silence) {
                System.out.println("autorespond: " + silence.why());
                return 0;
            }
            RecentReplies recent = new RecentReplies(dir, every);
            if (!recent.claim(sender.get(), now)) {
                System.out.println("autorespond: " + sender.get() + " was answered within " + every.toSeconds()
                        + " seconds");
                return 0;
            }
            byte[] reply = ((AutoReply.Decision.Reply) decision).message();
            int code = queue("autorespond", "", new ByteArrayInputStream(reply), "", List.of(sender.get()), 0);
            if (code == 0) return 0;
            recent.release(sender.get());
            return code == Main.TEMPORARY ? code : 0;
        }
    }

    /**
     * How bouncesaying, except and condredirect read the program they ran: a crash or 111 is passed on as 111
     * (try again later), any other failure lets the .qmail file go on (0); empty when the program succeeded.
     */
    private static Optional<Integer> unlessSuccess(String program, Child.End end) {
        if (end.temporary()) return Optional.of(fatal(program, Main.TEMPORARY, "temporary child error"));
        return end.success() ? Optional.empty() : Optional.of(0);
    }

    /** The variable, or empty after saying on stderr that it is missing. */
    private static Optional<String> env(String program, String name) {
        Optional<String> value = Optional.ofNullable(System.getenv(name));
        if (value.isEmpty()) System.err.println(program + ": fatal: " + name + " not set");
        return value;
    }

    /**
     * Queues {@code head} + {@code body} from {@code sender} to {@code recipients} and says {@code PROGRAM: qp ID} on
     * stdout; {@code done} is the exit code then. qmail-queue's refusals: permanent ones exit 100, the rest 111.
     * $QMAILQUEUE's program, if set, queues instead ({@link HostQueue}).
     */
    private static int queue(String program, String head, InputStream body, String sender, List<String> recipients,
                             int done) {
        Home home = Home.resolve(null);
        byte[] message;
        try {
            message = new MaildropQueue(home, Clock.systemUTC()).read(new SequenceInputStream(
                    new ByteArrayInputStream(head.getBytes(StandardCharsets.UTF_8)), body));
        } catch (QqException e) {
            return fatal(program, e.permanent() ? Main.USAGE : Main.TEMPORARY, e.getMessage());
        }
        QueueResult result = HostQueue.queue(home, message, sender, recipients, System.getenv());
        if (result instanceof QueueResult.Queued queued) {
            System.out.println(program + ": qp " + queued.id());
            return done;
        }
        return result instanceof QueueResult.Permanent p ? fatal(program, Main.USAGE, p.text())
                : fatal(program, Main.TEMPORARY, ((QueueResult.Temporary) result).text());
    }

    /** Runs {@code argv} with {@code head} and then our stdin as its input; exits as it does (crash: 111). */
    private static int feed(String program, List<String> argv, String head) throws InterruptedException {
        Child child = Child.start(argv, ProcessBuilder.Redirect.PIPE);
        try (OutputStream in = child.stdin()) {
            in.write(head.getBytes(StandardCharsets.UTF_8));
            System.in.transferTo(in);
        } catch (IOException childStoppedReading) {
            // qmail's preline stops feeding a program that exits early; its exit code tells the story
        }
        Child.End end = child.await();
        if (end.crashed()) return fatal(program, Main.TEMPORARY, "child crashed");
        return end.code();
    }

    private static int usage(String text) {
        System.err.println("usage: " + text);
        return Main.USAGE;
    }

    private static int fatal(String program, int code, String text) {
        System.err.println(program + ": fatal: " + text);
        return code;
    }
}
