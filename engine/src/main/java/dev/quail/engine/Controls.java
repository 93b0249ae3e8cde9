package dev.quail.engine;

import dev.quail.config.Clients;
import dev.quail.config.Control;
import dev.quail.config.Rewriter;
import dev.quail.config.UsersAssign;
import dev.quail.engine.log.MessageLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The current configuration of one home: control/ and users/assign, read together into one immutable snapshot.
 * Readers take {@link #current()} once per unit of work (an SMTP connection, a delivery), as qmail's programs
 * read their control files once per process. {@link #reloadIfChanged()} swaps in a new snapshot only when the
 * files changed and then stayed unchanged for one check, so a file caught half-written never takes effect;
 * a snapshot that fails to load leaves the old one in place.
 */
public final class Controls {

    public record Snapshot(Control control, UsersAssign assign, Rewriter rewriter) {}

    private final Home home;
    private final AtomicReference<Snapshot> current = new AtomicReference<>();
    private String loadedFingerprint;
    private String seenFingerprint;

    public Controls(Home home) throws IOException {
        this.home = home;
        this.loadedFingerprint = fingerprint();
        this.seenFingerprint = loadedFingerprint;
        current.set(load());
    }

    public Home home() { return home; }

    public Snapshot current() { return current.get(); }

    /** Returns true when a new snapshot was installed. Throws when changed files do not load. */
    public synchronized boolean reloadIfChanged() throws IOException {
        String now = fingerprint();
        boolean stable = now.equals(seenFingerprint);
        seenFingerprint = now;
        if (!stable || now.equals(loadedFingerprint)) return false;
        Snapshot next = load();
        loadedFingerprint = now;
        current.set(next);
        return true;
    }

    /** Reloads now, whatever the fingerprint says (quail reload). */
    public synchronized void reload() throws IOException {
        String now = fingerprint();
        Snapshot next = load();
        loadedFingerprint = now;
        seenFingerprint = now;
        current.set(next);
    }

    private Snapshot load() throws IOException {
        Control control = Control.load(home.root());
        ignored("clients", control.clients().invalid(), "CIDR:allow,VAR=\"value\"... or CIDR:deny; VAR one of "
                + String.join(", ", new TreeSet<>(Clients.VARIABLES)));
        ignored("serialhosts", control.serialhosts().invalid(), "a domain name");
        return new Snapshot(control, UsersAssign.load(home.assign()), new Rewriter(control));
    }

    /** An ignored line is logged at every load, so the admin who wrote it sees why it does nothing. */
    private static void ignored(String file, List<String> lines, String expected) {
        for (String line : lines) {
            MessageLog.warning("control/" + file + ": ignored invalid line (expected " + expected + "): " + line);
        }
    }

    private String fingerprint() throws IOException {
        StringBuilder b = new StringBuilder();
        for (Path dir : new Path[] {home.control(), home.users()}) {
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                    // A writer's temporary file is not configuration: seeing it come and go must not count as a
                    // stable change, or the old file would be reloaded and the real change found a check later.
                    if (f.getFileName().toString().endsWith(".tmp")) continue;
                    b.append(f.getFileName()).append(' ')
                            .append(Files.getLastModifiedTime(f).toMillis()).append(' ')
                            .append(Files.size(f)).append('\n');
                }
            }
        }
        return b.toString();
    }
}
