package dev.quail.engine;

import dev.quail.config.Assignment;
import dev.quail.config.Control;
import dev.quail.config.ControlWriter;
import dev.quail.config.UsersAssign;
import dev.quail.persistence.maildir.Maildir;
import dev.quail.engine.compat.AutoReply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Virtual mailboxes: a home directory per address (mailboxes/DOMAIN/LOCAL) holding Maildir/ and the mailbox's
 * .qmail files, registered in users/assign as qmail-pw2u would register a Unix account: {@code =LOCAL} for the
 * address itself and {@code +LOCAL-} (dash "-") for its extension addresses. An address in
 * a local domain is assigned by its local part; an address in another domain becomes a qmail virtual domain
 * ({@code domain:domain} in virtualdomains, as vpopmail sets it up) whose mail arrives as {@code domain-local}.
 */
public final class Mailboxes {
    private Mailboxes() {}

    /** Creates (or re-registers) the mailbox; returns its Maildir. */
    public static Path add(Home home, String address) throws IOException {
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1 || address.indexOf('\n') >= 0 || address.indexOf(':') >= 0) {
            throw new IllegalArgumentException("expected LOCAL@DOMAIN without ':' or newlines, got '" + address + "'");
        }
        String local = address.substring(0, at).toLowerCase(Locale.ROOT);
        String domain = address.substring(at + 1).toLowerCase(Locale.ROOT);
        Control control = Control.load(home.root());
        String key = local;
        if (!control.locals().contains(domain)) {
            key = domain + "-" + local;
            addLine(home.control("virtualdomains"), domain + ":" + domain);
            // A first rcpthosts file must keep what its absence accepted (locals and the virtual domains).
            if (!Files.exists(home.control("rcpthosts"))) {
                List<String> accepted = control.rcpthosts().entries().stream().sorted().toList();
                ControlWriter.write(home.control("rcpthosts"), accepted);
            }
            addLine(home.control("rcpthosts"), domain);
        }
        Path dir = home.mailbox(local, domain);
        Files.createDirectories(dir);
        Path maildir = dir.resolve("Maildir");
        if (!Maildir.isMaildir(maildir)) Maildir.make(maildir);
        String uid = String.valueOf(Files.getAttribute(dir, "unix:uid"));
        String gid = String.valueOf(Files.getAttribute(dir, "unix:gid"));
        UsersAssign.put(home.assign(), new Assignment(key, false, local + "@" + domain, uid, gid, dir, "", ""));
        // USR-06, as qmail-pw2u: LOCAL-anything is the mailbox's too, served by its .qmail-anything files.
        UsersAssign.put(home.assign(), new Assignment(key + "-", true, local + "@" + domain, uid, gid, dir, "-", ""));
        return maildir;
    }

    public static List<Assignment> list(Home home) throws IOException {
        return UsersAssign.load(home.assign()).entries();
    }

    /**
     * Unregisters the mailbox from users/assign: its mail is no longer accepted for delivery there. Its directory,
     * Maildir and all, is left on disk (as userdel without -r): removing an address never destroys mail.
     */
    public static boolean remove(Home home, String address) throws IOException {
        return UsersAssign.remove(home.assign(), address);
    }

    /**
     * The mailbox's .qmail as qmailadmin writes a forward: {@code &address} per target and, when the mail is also
     * kept, {@code ./Maildir/} first; an autoresponder's line stays. No targets: the mail is kept, and without an
     * autoresponder the .qmail is removed, so defaultdelivery serves the mailbox.
     */
    public static void forward(Home home, String address, List<String> targets, boolean keep) throws IOException {
        for (String t : targets) {
            if (t.isBlank() || t.chars().anyMatch(c -> c <= ' ' || c == 127) || t.startsWith("|") || t.startsWith("/")
                    || t.startsWith(".")) {
                throw new IllegalArgumentException("a forward is one address: " + t);
            }
        }
        Rules now = Rules.read(dotQmail(home, address));
        new Rules(now.autorespond(), keep || targets.isEmpty(), targets).write(dotQmail(home, address));
    }

    /** The addresses the mailbox's .qmail forwards to ({@code &address} lines, and bare addresses as qmail reads). */
    public static List<String> forwards(Home home, String address) throws IOException {
        return Rules.read(dotQmail(home, address)).forwards();
    }

    /** Whether the mailbox's mail is delivered to its Maildir (as well as forwarded). */
    public static boolean keeps(Home home, String address) throws IOException {
        return Rules.read(dotQmail(home, address)).keep();
    }

    /** An out-of-office answer: its Subject (%S: the original's), its text, and how often one sender gets it. */
    public record Autoresponder(String subject, String text, Duration every) {
        static final int MAX_TEXT = 32 * 1024;

        public Autoresponder {
            if (subject.chars().anyMatch(c -> c < ' ' || c == 127) || subject.length() > 200) {
                throw new IllegalArgumentException("a subject is one line of at most 200 characters");
            }
            if (text.length() > MAX_TEXT) throw new IllegalArgumentException("the text is over " + MAX_TEXT + " characters");
            if (every.toSeconds() < 3600 || every.toDays() > 3650) {
                throw new IllegalArgumentException("an autoresponder answers one sender once per hour to ten years");
            }
        }
    }

    /**
     * Turns the mailbox's autoresponder on ({@code bin/autorespond}'s line first in its .qmail, its answer in
     * autoresponse/message) or off (the line removed; the directory, with whom it answered, stays).
     */
    public static void autorespond(Home home, String address, Optional<Autoresponder> answer) throws IOException {
        Path dotQmail = dotQmail(home, address);
        Rules now = Rules.read(dotQmail);
        if (answer.isPresent()) {
            Autoresponder a = answer.get();
            Path dir = dotQmail.resolveSibling(AUTORESPONSE);
            Files.createDirectories(dir);
            List<String> lines = new ArrayList<>(List.of("From: " + address.toLowerCase(Locale.ROOT),
                    "Subject: " + a.subject(), ""));
            lines.addAll(a.text().replace("\r\n", "\n").lines().toList());
            ControlWriter.write(dir.resolve("message"), lines);
        }
        new Rules(answer.map(a -> a.every().toSeconds()), now.keep(), now.forwards()).write(dotQmail);
    }

    /** The mailbox's autoresponder, when its .qmail runs one written by {@link #autorespond}. */
    public static Optional<Autoresponder> autoresponder(Home home, String address) throws IOException {
        Path dotQmail = dotQmail(home, address);
        Optional<Long> every = Rules.read(dotQmail).autorespond();
        Path message = dotQmail.resolveSibling(AUTORESPONSE).resolve("message");
        if (every.isEmpty() || !Files.isRegularFile(message)) return Optional.empty();
        AutoReply.Template t = AutoReply.Template.parse(Files.readString(message));
        return Optional.of(new Autoresponder(t.fields().stream().filter(f -> f.regionMatches(true, 0, "Subject:", 0, 8))
                .map(f -> f.substring(8).strip()).findFirst().orElse(""), t.body(), Duration.ofSeconds(every.get())));
    }

    private static final String AUTORESPONSE = "autoresponse";

    /**
     * What the admin tools write in a mailbox's .qmail, in this order: the autoresponder (its period in seconds),
     * {@code ./Maildir/} when the mail is kept, {@code &address} per forward. No .qmail: the mail is kept.
     */
    private record Rules(Optional<Long> autorespond, boolean keep, List<String> forwards) {
        private static final String AUTORESPOND = "|autorespond -t ";

        static Rules read(Path dotQmail) throws IOException {
            if (!Files.exists(dotQmail)) return new Rules(Optional.empty(), true, List.of());
            Optional<Long> autorespond = Optional.empty();
            boolean keep = false;
            List<String> forwards = new ArrayList<>();
            for (String line : Files.readAllLines(dotQmail)) {
                String l = line.strip();
                if (l.startsWith(AUTORESPOND) && l.endsWith(" " + AUTORESPONSE)) {
                    String seconds = l.substring(AUTORESPOND.length(), l.length() - AUTORESPONSE.length() - 1);
                    if (seconds.matches("[0-9]{1,12}")) autorespond = Optional.of(Long.parseLong(seconds));
                } else if (l.equals("./Maildir/")) {
                    keep = true;
                } else if (l.startsWith("&")) {
                    forwards.add(l.substring(1));
                } else if (!l.isEmpty() && Character.isLetterOrDigit(l.charAt(0))) {
                    forwards.add(l);
                }
            }
            return new Rules(autorespond, keep, forwards);
        }

        void write(Path dotQmail) throws IOException {
            if (autorespond.isEmpty() && forwards.isEmpty() && keep) {
                Files.deleteIfExists(dotQmail);
                return;
            }
            List<String> lines = new ArrayList<>();
            autorespond.ifPresent(seconds -> lines.add(AUTORESPOND + seconds + " " + AUTORESPONSE));
            if (keep) lines.add("./Maildir/");
            for (String t : forwards) lines.add("&" + t);
            ControlWriter.write(dotQmail, lines);
        }
    }

    private static Path dotQmail(Home home, String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0) throw new IllegalArgumentException("expected LOCAL@DOMAIN, got '" + address + "'");
        return home.mailbox(address.substring(0, at), address.substring(at + 1)).resolve(".qmail");
    }

    private static void addLine(Path file, String line) throws IOException {
        List<String> lines = Files.exists(file) ? new ArrayList<>(Files.readAllLines(file)) : new ArrayList<>();
        for (String l : lines) if (l.strip().equalsIgnoreCase(line)) return;
        lines.add(line);
        ControlWriter.write(file, lines);
    }
}
