package dev.quail.engine;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Quail home: one directory holding a whole installation, like /var/qmail.
 *
 * <pre>
 *   control/     qmail control files (same names and meanings)
 *   users/       assign, passwords, admins, admintokens
 *   mailboxes/   virtual mailboxes: mailboxes/DOMAIN/LOCAL/Maildir
 *   queue/       journal/ (LevelDB), maildrop/ (what `quail inject` leaves for the server)
 *   log/         quail.log
 *   lists/       DOMAIN/LIST/: mailing lists (see Lists)
 * </pre>
 *
 * Chosen by {@code --home DIR}, else {@code $QUAIL_HOME}, else {@code ./quail-home}.
 */
public record Home(Path root) {

    public static Home resolve(Path option) {
        if (option != null) return new Home(option.toAbsolutePath().normalize());
        String env = System.getenv("QUAIL_HOME");
        Path dir = env != null && !env.isBlank() ? Path.of(env) : Path.of("quail-home");
        return new Home(dir.toAbsolutePath().normalize());
    }

    public Path control() { return root.resolve("control"); }
    public Path control(String name) { return control().resolve(name); }
    public Path users() { return root.resolve("users"); }
    public Path assign() { return users().resolve("assign"); }
    /** bcrypt hashes for POP3 and SMTP AUTH: address:hash per line. */
    public Path passwords() { return users().resolve("passwords"); }
    /** The admin listener's accounts (quail admin add): name:bcrypt-hash per line, mode 0600. */
    public Path admins() { return users().resolve("admins"); }
    /** The admin listener's bearer tokens (quail admin token): name:SHA-256 of the token per line, mode 0600. */
    public Path adminTokens() { return users().resolve("admintokens"); }
    public Path mailboxes() { return root.resolve("mailboxes"); }
    public Path queue() { return root.resolve("queue"); }
    public Path journal() { return queue().resolve("journal"); }
    public Path maildrop() { return queue().resolve("maildrop"); }
    /** The message-id counter's reservation mark (see Ids). */
    public Path ids() { return queue().resolve("ids"); }
    public Path log() { return root.resolve("log"); }
    /** Where the running server listens for the operator's commands (qstat, flush, …). */
    public Path adminSocket() { return queue().resolve("admin.sock"); }

    /** The home directory of a virtual mailbox: it holds Maildir/ and, later, the mailbox's .qmail files. */
    public Path mailbox(String local, String domain) {
        return mailboxes().resolve(safe(domain.toLowerCase())).resolve(safe(local.toLowerCase()));
    }

    public boolean initialized() { return Files.exists(control("me")); }

    /** Creates the directories every command expects; harmless when they exist. */
    public void ensureDirectories() throws IOException {
        for (Path p : new Path[] {control(), users(), mailboxes(), queue(), maildrop(), log()}) {
            Files.createDirectories(p);
        }
    }

    /** This machine's host name, for control/me at first start. */
    public static String hostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            if (name != null && !name.isBlank() && !name.matches("[0-9.:]+")) return name.toLowerCase();
        } catch (IOException e) {
            // fall through: a machine without a resolvable name still gets a working home
        }
        return "localhost";
    }

    /** Path components come from addresses, which are attacker-controlled: never let one climb out. */
    private static String safe(String component) {
        String s = component.replace('/', ':');
        if (s.isEmpty() || s.equals(".") || s.equals("..")) s = "_" + s;
        if (s.startsWith(".")) s = ":" + s.substring(1);
        return s;
    }
}
