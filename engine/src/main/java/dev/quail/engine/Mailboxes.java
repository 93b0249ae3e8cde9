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

    private static void addLine(Path file, String line) throws IOException {
        List<String> lines = Files.exists(file) ? new ArrayList<>(Files.readAllLines(file)) : new ArrayList<>();
        for (String l : lines) if (l.strip().equalsIgnoreCase(line)) return;
        lines.add(line);
        ControlWriter.write(file, lines);
    }
}
