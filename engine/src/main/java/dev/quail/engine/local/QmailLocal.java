package dev.quail.engine.local;

import dev.quail.config.Limits;
import dev.quail.config.dotqmail.DeliveryLines;
import dev.quail.config.dotqmail.DotQmailFile;
import dev.quail.config.dotqmail.ExtensionSearch;
import dev.quail.config.dotqmail.Instruction;
import dev.quail.config.dotqmail.NewSender;
import dev.quail.config.dotqmail.ProgramEnvironment;
import dev.quail.config.dotqmail.ProgramExit;
import dev.quail.engine.delivery.Injector;
import dev.quail.engine.delivery.MessageBody;
import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.delivery.ReceivedLine;
import dev.quail.persistence.body.BodyStore;
import dev.quail.persistence.maildir.Maildir;
import dev.quail.persistence.maildir.MaildirWriter;
import dev.quail.persistence.mbox.MboxException;
import dev.quail.persistence.mbox.MboxWriter;
import dev.quail.protocols.smtp.QueueResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * qmail-local for one recipient whose mailbox is known (QMAIL-REFERENCE §6, §7): {@code user home local dash ext host
 * sender defaultdelivery}, in qmail-local's order.
 * <ol>
 * <li>DQ-01 the home must exist; world-writable ⇒ temporary {@code Uh-oh: home directory is writable.}; sticky ⇒
 *     temporary (the owner is editing a .qmail file: chmod +t, edit, chmod -t).</li>
 * <li>DQ-02, X-05 a header line exactly equal to this delivery's Delivered-To line ⇒ permanent (a loop). Quail adds
 *     SMTP-33's hop rule here: control/maxhops (100) or more Received/Delivered header lines ⇒ permanent, so loops
 *     that change address each time still end. The header is read from the store a buffer at a time and only a
 *     line's first octets are kept, so the check costs the same whatever the header's size.</li>
 * <li>DQ-20..23 the .qmail file: the first of {@link ExtensionSearch}'s candidates that is a regular file;
 *     unreadable ⇒ temporary; world-writable ⇒ temporary; owner-execute bit ⇒ forwards only (DQ-04). None found:
 *     permanent {@code Sorry, no mailbox here by that name.} for an extension, defaultdelivery for the plain
 *     address (DQ-12, also for an empty file).</li>
 * <li>DQ-30 the lines run in order; mbox, maildir and program deliveries happen at once, forwards are collected and
 *     go out last as ONE new message from NEWSENDER (DQ-33) with the Delivered-To line on top (DQ-34). The first
 *     failure stops everything (deliveries done before it are repeated on the retry). Only when the forward is
 *     durably queued does the recipient count as delivered.</li>
 * </ol>
 * Every instruction reads the message afresh from the body store, as a stream (a maildir or mbox file, a program's
 * stdin, the forward's body after its Delivered-To line): no delivery holds a message whole. A message the store
 * cannot give is a temporary {@code Unable to read message.}, whatever the instruction. A program runs at most
 * control/timeoutprogram seconds ({@link ProgramRunner}); one that is killed there is a temporary failure.
 * The report is qmail-local's: program output, then {@code did F+W+P} and {@code qp ID} on success, or the
 * failure's text. Paths in .qmail files are relative to the home; .qmail files are trusted like control files
 * (their programs run as the Quail user).
 */
final class QmailLocal {
    static final String NO_MAILBOX = "Sorry, no mailbox here by that name. (#5.1.1)";
    static final String LOOPING = "This message is looping: it already has my Delivered-To line. (#5.4.6)";
    static final String TOO_MANY_HOPS = "This message is looping: too many hops. (#5.4.6)";
    /** What a header read holds at a time. */
    private static final int BUFFER = 8192;
    /** Header lines that count as hops, by their first word. */
    private static final String[] HOP_WORDS = {"received", "delivered"};
    private static final int OWNER_EXECUTE = 0100;
    private static final int WORLD_WRITABLE = 0002;
    private static final int STICKY = 01000;
    private static final int FILE_TYPE = 0170000;
    private static final int DIRECTORY = 0040000;
    private static final int REGULAR_FILE = 0100000;

    /**
     * What qmail-lspawn passes to qmail-local, plus the message and the limits that bound the delivery, and a list
     * post's per-recipient fields (empty for other mail), which a Maildir or mbox copy gets under Delivered-To.
     */
    record Job(String messageId, String user, Path home, String local, String dash, String ext, String host,
               String sender, String defaultDelivery, MessageBody message, Limits limits, String listFields) {}

    /** qmail-local's exit: the outcome's kind; the report is collected separately. */
    private static final class Stop extends Exception {
        final boolean permanent;

        Stop(boolean permanent, String message) {
            super(message, null, false, false);
            this.permanent = permanent;
        }
    }

    private final MaildirWriter maildir;
    private final MboxWriter mbox;
    private final Injector injector;
    private final BodyStore bodies;
    private final Map<String, String> programEnvironment;
    private final Report report = new Report();
    private int files;
    private int programs;

    /** {@code programs}: the environment every |program gets besides qmail's (see LocalDelivery). */
    QmailLocal(MaildirWriter maildir, MboxWriter mbox, Injector injector, BodyStore bodies,
               Map<String, String> programs) {
        this.maildir = maildir;
        this.mbox = mbox;
        this.injector = injector;
        this.bodies = bodies;
        this.programEnvironment = programs;
    }

    Outcome deliver(Job job) {
        try {
            String done = run(job);
            report.line(done);
            return new Outcome.Success(report.text());
        } catch (Stop stop) {
            if (!stop.getMessage().isEmpty()) report.line(stop.getMessage()); // a program's exit: its output says it
            return stop.permanent ? new Outcome.Failure(report.text()) : new Outcome.Deferral(report.text());
        }
    }

    private String run(Job job) throws Stop {
        Path home = job.home();
        checkHome(home);
        String recipient = job.local() + "@" + job.host();
        String dtline = DeliveryLines.dtline(recipient);
        checkLoops(job.message(), dtline, job.limits().maxhops());
        String rpline = DeliveryLines.rpline(job.sender());
        String ufline = DeliveryLines.ufline(job.sender(), Instant.now());

        Optional<Found> found = search(home, job.dash(), job.ext());
        if (found.isEmpty() && !job.dash().isEmpty()) throw permanent(NO_MAILBOX);
        String newSender = NewSender.of(job.sender(), job.local(), job.host(), job.dash(), job.ext(),
                name -> exists(home, name));
        boolean forwardOnly = found.isPresent() && found.get().forwardOnly();
        String text = found.map(Found::text).orElse("");
        if (text.isEmpty()) {
            text = job.defaultDelivery();
            forwardOnly = false;
        }
        List<Instruction> instructions;
        try {
            instructions = DotQmailFile.parse(text);
        } catch (IllegalArgumentException blank) {
            throw temporary(blank.getMessage());
        }

        Optional<String> defaultPart = found.flatMap(Found::defaultPart);
        ProgramEnvironment.Delivery env = new ProgramEnvironment.Delivery(job.user(), home.toString(), job.local(),
                job.ext(), job.host(), job.sender(), newSender, defaultPart, dtline, rpline, ufline);
        byte[] head = (rpline + dtline + job.listFields()).getBytes(StandardCharsets.ISO_8859_1);
        List<String> forwards = new ArrayList<>();
        for (Instruction i : instructions) {
            if (i instanceof Instruction.ForwardOnly) {
                forwardOnly = true;
            } else if (i instanceof Instruction.Forward f) {
                forwards.add(f.address());
            } else if (i instanceof Instruction.Maildir m) {
                files++;
                if (forwardOnly) throw temporary("Uh-oh: .qmail has file delivery but has x bit set. (#4.7.0)");
                toMaildir(home.resolve(m.path()), head, job.message());
            } else if (i instanceof Instruction.Mbox b) {
                files++;
                if (forwardOnly) throw temporary("Uh-oh: .qmail has file delivery but has x bit set. (#4.7.0)");
                toMbox(home, b.path(),
                        (ufline + rpline + dtline + job.listFields()).getBytes(StandardCharsets.ISO_8859_1),
                        job.message());
            } else if (i instanceof Instruction.Program p) {
                programs++;
                if (forwardOnly) throw temporary("Uh-oh: .qmail has prog delivery but has x bit set. (#4.7.0)");
                if (toProgram(p.command(), home, env, job)) break;
            }
        }
        String did = "did " + files + "+" + forwards.size() + "+" + programs;
        if (forwards.isEmpty()) return did;
        String qp = forward(job, newSender, forwards, dtline);
        return did + "\nqp " + qp;
    }

    private static void checkHome(Path home) throws Stop {
        OptionalInt stat = home.isAbsolute() ? mode(home) : OptionalInt.empty();
        if (stat.isEmpty() || (stat.getAsInt() & FILE_TYPE) != DIRECTORY) {
            throw temporary("Unable to switch to " + home + ": file does not exist. (#4.3.0)");
        }
        int mode = stat.getAsInt();
        if ((mode & WORLD_WRITABLE) != 0) throw temporary("Uh-oh: home directory is writable. (#4.7.0)");
        if ((mode & STICKY) != 0) {
            throw temporary("Home directory is sticky: user is editing his .qmail file. (#4.2.1)");
        }
    }

    /**
     * DQ-02 and the hop rule: header lines up to the first empty one. A last line without newline is not a header
     * line (bouncexf: !match). Of each line only its first octets are kept: as many as the Delivered-To line has.
     */
    private void checkLoops(MessageBody message, String dtline, int maxHops) throws Stop {
        byte[] mine = dtline.getBytes(StandardCharsets.ISO_8859_1);
        byte[] start = new byte[Math.max(mine.length, HOP_WORDS[1].length())];
        int length = 0;
        int hops = 0;
        try (InputStream in = message.open(bodies)) {
            byte[] buffer = new byte[BUFFER];
            int n;
            reading:
            while ((n = in.read(buffer)) >= 0) {
                for (int i = 0; i < n; i++) {
                    if (length < start.length) start[length] = buffer[i];
                    length++;
                    if (buffer[i] != '\n') continue;
                    if (length == 1) break reading;
                    if (length == mine.length && Arrays.equals(start, 0, length, mine, 0, length)) {
                        throw permanent(LOOPING);
                    }
                    if (isHop(start, length)) hops++;
                    length = 0;
                }
            }
        } catch (IOException e) {
            throw temporary(MessageInput.UNREADABLE);
        }
        if (hops >= maxHops) throw permanent(TOO_MANY_HOPS);
    }

    /** A Received or Delivered(-To) line, in any case. */
    private static boolean isHop(byte[] start, int length) {
        String line = new String(start, 0, Math.min(length, start.length), StandardCharsets.ISO_8859_1);
        for (String word : HOP_WORDS) {
            if (line.regionMatches(true, 0, word, 0, word.length())) return true;
        }
        return false;
    }

    /** The .qmail file that serves the address: its text, forward-only bit and $DEFAULT. */
    private record Found(String text, boolean forwardOnly, Optional<String> defaultPart) {}

    private static Optional<Found> search(Path home, String dash, String ext) throws Stop {
        for (ExtensionSearch.Candidate c : ExtensionSearch.candidates(dash, ext)) {
            Path file;
            try {
                file = home.resolve(c.fileName());
            } catch (InvalidPathException impossibleName) {
                continue;
            }
            OptionalInt stat = mode(file);
            // DQ-03: missing or not a regular file
            if (stat.isEmpty() || (stat.getAsInt() & FILE_TYPE) != REGULAR_FILE) continue;
            int mode = stat.getAsInt();
            if ((mode & WORLD_WRITABLE) != 0) throw temporary("Uh-oh: .qmail file is writable. (#4.7.0)");
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException vanished) {
                continue;
            } catch (IOException e) {
                throw temporary("Unable to open " + c.fileName() + ": " + reason(e) + ". (#4.3.0)");
            }
            return Optional.of(new Found(text, (mode & OWNER_EXECUTE) != 0, c.defaultPart()));
        }
        return Optional.empty();
    }

    private static boolean exists(Path home, String name) {
        try {
            return Files.exists(home.resolve(name));
        } catch (InvalidPathException impossibleName) {
            return false;
        }
    }

    private void toMaildir(Path dir, byte[] head, MessageBody message) throws Stop {
        if (!Maildir.isMaildir(dir)) throw temporary("Unable to chdir to maildir. (#4.2.1)");
        try (MessageInput in = new MessageInput(message.open(bodies))) {
            try {
                maildir.deliver(dir, head, in);
            } catch (IOException e) {
                throw temporary(in.failed() ? MessageInput.UNREADABLE : "Temporary error on maildir delivery. (#4.3.0)");
            }
        } catch (IOException closing) {
            // the message is delivered; only releasing the store's stream failed
        }
    }

    private void toMbox(Path home, String name, byte[] head, MessageBody message) throws Stop {
        try (InputStream in = message.open(bodies)) {
            mbox.deliver(home.resolve(name), head, in);
        } catch (MboxException e) {
            switch (e.kind()) {
                case OPEN -> throw temporary("Unable to open " + name + ": " + e.getMessage() + ". (#4.2.1)");
                case LOCKED -> throw temporary("File has been locked for 30 seconds straight. (#4.3.0)");
                case READ -> throw temporary(MessageInput.UNREADABLE);
                default -> throw temporary("Unable to write " + name + ": " + e.getMessage() + ". (#4.3.0)");
            }
        } catch (IOException closing) {
            // the entry is written and fsync'd; only releasing the store's stream failed
        }
    }

    /** Returns true when the program asked to stop here (exit 99). */
    private boolean toProgram(String command, Path home, ProgramEnvironment.Delivery env, Job job) throws Stop {
        ProgramRunner.Result result;
        long limit = job.limits().timeoutprogram();
        try (MessageInput in = new MessageInput(job.message().open(bodies))) {
            Map<String, String> environment = new HashMap<>(programEnvironment);
            environment.putAll(ProgramEnvironment.of(env));
            result = ProgramRunner.run(command, home, environment, in, Duration.ofSeconds(limit));
            report.output(result.output(), result.length());
            if (result.timedOut()) throw temporary("Program timed out after " + limit + " seconds. (#4.3.0)");
            if (in.failed()) throw temporary(MessageInput.UNREADABLE);
        } catch (IOException e) {
            throw temporary("Unable to run /bin/sh: " + reason(e) + ". (#4.3.0)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw temporary("Interrupted while running a program. (#4.3.0)");
        }
        ProgramExit exit = ProgramExit.of(result.exitCode());
        if (exit == ProgramExit.PERMANENT) throw new Stop(true, "");
        if (exit == ProgramExit.TEMPORARY) throw new Stop(false, "");
        return exit == ProgramExit.SUCCESS_STOP;
    }

    /** DQ-30/34: one new message to every forward address; returns its queue id. */
    private String forward(Job job, String newSender, List<String> recipients, String dtline) throws Stop {
        InputStream copy = new SequenceInputStream(new ByteArrayInputStream(dtline.getBytes(StandardCharsets.ISO_8859_1)),
                job.message().open(bodies));
        QueueResult result = injector.inject(newSender, recipients, copy, ReceivedLine.Invoked.BY_UID,
                "forward msg " + job.messageId());
        if (result instanceof QueueResult.Queued q) return q.id();
        if (result instanceof QueueResult.Permanent p) throw permanent("Unable to forward message: " + p.text() + ".");
        throw temporary("Unable to forward message: " + ((QueueResult.Temporary) result).text() + ".");
    }

    /**
     * st_mode (file type, permission and sticky bits), following links, from one stat: deliveries are the hot
     * path, so the type test and the permission tests share it. Empty when the file cannot be stat'ed.
     */
    private static OptionalInt mode(Path path) {
        try {
            return OptionalInt.of((Integer) Files.getAttribute(path, "unix:mode"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return OptionalInt.empty();
        }
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) return "file does not exist";
        if (e instanceof AccessDeniedException) return "access denied";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static Stop temporary(String text) {
        return new Stop(false, text);
    }

    private static Stop permanent(String text) {
        return new Stop(true, text);
    }
}
