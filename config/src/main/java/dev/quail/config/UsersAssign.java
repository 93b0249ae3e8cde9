/*
 * users/assign, the table qmail-newu compiles into users/cdb and qmail-lspawn consults (QMAIL-REFERENCE
 * §5.1). Quail reads the text file directly; there is no cdb step.
 *  USR-01 the file ends at the first line starting with '.'. `=local:user:uid:gid:homedir:dash:ext:` is a
 *         simple entry; `+loc:user:uid:gid:homedir:dash:pre:` a wildcard for every local part starting with
 *         `loc` (including `loc` itself), meaning ext = pre + the rest.
 *  USR-02 a line not starting with '+' is simple (its first character is skipped like the '='); a line
 *         starting with ':', with no ':' at all, with fewer than 6 colons after the key, or holding a NUL is
 *         a format error (IOException: the caller defers, as qmail-newu exits 111).
 *  USR-03 keys are lower-cased; lookups are case-insensitive; a wildcard's rest keeps its case.
 *  USR-04 lookup: exact simple match; else wildcard keys from the longest prefix to the shortest, the
 *         empty key `+:` (catch-all) last. For duplicate keys the first line wins.
 * Quail leniencies: blank lines are skipped, and a file without the final "." line is read to its end.
 * Text after the 6th colon is ignored, as in qmail-newu.
 */
package dev.quail.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

public final class UsersAssign {
    private final List<Assignment> entries;
    private final Map<String, Assignment> simple = new HashMap<>();
    private final Map<String, Assignment> wildcards = new HashMap<>();

    private UsersAssign(List<Assignment> entries) {
        this.entries = List.copyOf(entries);
        for (Assignment a : entries) (a.wildcard() ? wildcards : simple).putIfAbsent(a.key(), a);
    }

    /** Reads {@code file}; a missing file is an empty table. */
    public static UsersAssign load(Path file) throws IOException {
        List<Assignment> entries = new ArrayList<>();
        List<String> lines = ControlFiles.rawLines(file).orElse(List.of());
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.startsWith(".")) break;
            if (line.isEmpty()) continue;
            int lineNumber = n + 1;
            entries.add(parse(line).orElseThrow(() -> new IOException(file + ": format error in line " + lineNumber)));
        }
        return new UsersAssign(entries);
    }

    public List<Assignment> entries() {
        return entries;
    }

    public Optional<Assignment> lookup(String local) {
        String lower = Ascii.lower(local);
        Assignment exact = simple.get(lower);
        if (exact != null) return Optional.of(exact);
        for (int n = lower.length(); n >= 0; n--) {
            Assignment w = wildcards.get(lower.substring(0, n));
            if (w != null) return Optional.of(w.withExt(w.ext() + local.substring(n)));
        }
        return Optional.empty();
    }

    /**
     * Adds {@code a}, or replaces the entry of the same kind and key (later duplicates of it are removed so
     * the file says one thing), keeping every other line as it was; the file is replaced atomically.
     */
    public static void put(Path file, Assignment a) throws IOException {
        String newLine = a.line();
        String key = Ascii.lower(a.key());
        List<String> lines = ControlFiles.rawLines(file).orElse(List.of());
        List<String> out = new ArrayList<>();
        boolean placed = false;
        int n = 0;
        for (; n < lines.size() && !lines.get(n).startsWith("."); n++) {
            String line = lines.get(n);
            Optional<Assignment> old = line.isEmpty() ? Optional.empty() : parse(line);
            if (old.isPresent() && old.get().wildcard() == a.wildcard() && old.get().key().equals(key)) {
                if (!placed) out.add(newLine);
                placed = true;
            } else {
                out.add(line);
            }
        }
        if (!placed) out.add(newLine);
        if (n < lines.size()) out.addAll(lines.subList(n, lines.size()));
        else out.add(".");
        ControlWriter.write(file, out);
    }

    /**
     * Removes every entry that serves {@code user} (a mailbox's {@code =local} and {@code +local-} lines), keeping
     * every other line; returns whether there was one. The file is replaced atomically.
     */
    public static boolean remove(Path file, String user) throws IOException {
        List<String> lines = ControlFiles.rawLines(file).orElse(List.of());
        List<String> out = new ArrayList<>();
        boolean found = false;
        int n = 0;
        for (; n < lines.size() && !lines.get(n).startsWith("."); n++) {
            Optional<Assignment> old = lines.get(n).isEmpty() ? Optional.empty() : parse(lines.get(n));
            if (old.isPresent() && old.get().user().equalsIgnoreCase(user)) {
                found = true;
            } else {
                out.add(lines.get(n));
            }
        }
        out.addAll(lines.subList(n, lines.size()));
        if (found) ControlWriter.write(file, out);
        return found;
    }

    private static Optional<Assignment> parse(String line) {
        int colon = line.indexOf(':');
        if (colon <= 0 || line.indexOf('\0') >= 0) return Optional.empty();
        String[] fields = line.substring(colon + 1).split(":", -1);
        if (fields.length < 7) return Optional.empty(); // six terminating colons
        return Optional.of(new Assignment(Ascii.lower(line.substring(1, colon)), line.charAt(0) == '+', fields[0],
                fields[1], fields[2], Path.of(fields[3]), fields[4], fields[5]));
    }
}
