package dev.quail.engine;

import dev.quail.config.Assignment;
import dev.quail.config.Control;
import dev.quail.config.ControlWriter;
import dev.quail.config.UsersAssign;
import dev.quail.persistence.maildir.Maildir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
     * kept, {@code ./Maildir/} first. No targets: the .qmail is removed, and defaultdelivery serves the mailbox.
     */
    public static void forward(Home home, String address, List<String> targets, boolean keep) throws IOException {
        Path dotQmail = dotQmail(home, address);
        for (String t : targets) {
            if (t.isBlank() || t.chars().anyMatch(c -> c <= ' ' || c == 127) || t.startsWith("|") || t.startsWith("/")
                    || t.startsWith(".")) {
                throw new IllegalArgumentException("a forward is one address: " + t);
            }
        }
        if (targets.isEmpty()) {
            Files.deleteIfExists(dotQmail);
            return;
        }
        List<String> lines = new ArrayList<>();
        if (keep) lines.add("./Maildir/");
        for (String t : targets) lines.add("&" + t);
        ControlWriter.write(dotQmail, lines);
    }

    /** The addresses the mailbox's .qmail forwards to ({@code &address} lines, and bare addresses as qmail reads). */
    public static List<String> forwards(Home home, String address) throws IOException {
        Path dotQmail = dotQmail(home, address);
        List<String> out = new ArrayList<>();
        if (!Files.exists(dotQmail)) return out;
        for (String line : Files.readAllLines(dotQmail)) {
            String l = line.strip();
            if (l.startsWith("&")) out.add(l.substring(1));
            else if (!l.isEmpty() && Character.isLetterOrDigit(l.charAt(0))) out.add(l);
        }
        return out;
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
