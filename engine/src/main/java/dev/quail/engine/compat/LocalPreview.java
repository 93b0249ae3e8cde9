package dev.quail.engine.compat;

import dev.quail.config.Assignment;
import dev.quail.config.Control;
import dev.quail.config.QuailHome;
import dev.quail.config.Rewriter;
import dev.quail.config.Routed;
import dev.quail.config.UsersAssign;
import dev.quail.config.dotqmail.DotQmailFile;
import dev.quail.config.dotqmail.ExtensionSearch;
import dev.quail.config.dotqmail.Instruction;
import dev.quail.config.dotqmail.LocalMailbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a local delivery would do, without doing it (qmail-local -n, LOCAL-01, X-03): the way from an address to a
 * mailbox (rewriting RW-01..05, users/assign USR-04, the alias mailbox DQ-24), the .qmail file that serves it
 * (DQ-20..23) and each of its instructions in qmail-local's words: {@code maildir PATH}, {@code mbox PATH},
 * {@code program COMMAND}, {@code forward ADDRESS}. The checks a delivery makes first are made too, with
 * qmail-local's texts and exit codes (111 temporary, 100 permanent); as with -n, a sticky home is only a warning.
 * Nothing is written and no program is run: the same rules as the server's local delivery, read from the same
 * configuration, so an administrator can test a .qmail file before mail reaches it.
 */
public final class LocalPreview {
    /** The lines to print, and how a delivery would end if it stopped here (0 when it would go on). */
    public record Result(List<String> lines, int exit, String error) {}

    private static final String NO_MAILBOX = "Sorry, no mailbox here by that name. (#5.1.1)";
    private static final int OWNER_EXECUTE = 0100;
    private static final int WORLD_WRITABLE = 0002;
    private static final int STICKY = 01000;

    private final List<String> lines = new ArrayList<>();

    private LocalPreview() {}

    /** The plan for ADDRESS in the Quail home {@code root}. */
    public static Result forAddress(Path root, String address) throws IOException {
        LocalPreview p = new LocalPreview();
        Control control = Control.load(root);
        Routed routed = new Rewriter(control).route(address);
        p.lines.add("recipient " + routed.address());
        if (!routed.local()) return p.done("remote " + routed.address());
        int at = routed.address().lastIndexOf('@');
        String local = routed.address().substring(0, at);
        String domain = routed.address().substring(at + 1);
        if (local.isEmpty()) return p.done("trash (empty local part)");
        Optional<Assignment> assigned = LocalMailbox.assignment(
                UsersAssign.load(QuailHome.of(root).usersAssign()), QuailHome.of(root).alias(), local);
        if (assigned.isEmpty()) return p.stop(100, NO_MAILBOX);
        Assignment a = assigned.get();
        return p.qmailLocal(a.user(), a.home(), a.dash(), a.ext(), control.defaultdelivery());
    }

    /** qmail-local's own arguments: {@code user homedir local dash ext domain sender defaultdelivery}. */
    public static Result forQmailLocal(String user, Path home, String dash, String ext, String defaultDelivery) {
        return new LocalPreview().qmailLocal(user, home, dash, ext, defaultDelivery);
    }

    private Result qmailLocal(String user, Path home, String dash, String ext, String defaultDelivery) {
        lines.add("user " + user);
        lines.add("home " + home);
        int homeMode = mode(home);
        if (homeMode < 0 || !Files.isDirectory(home)) {
            return stop(111, "Unable to switch to " + home + ": file does not exist. (#4.3.0)");
        }
        if ((homeMode & WORLD_WRITABLE) != 0) return stop(111, "Uh-oh: home directory is writable. (#4.7.0)");
        if ((homeMode & STICKY) != 0) lines.add("warning: home directory is sticky: a .qmail file is being edited");
        Optional<ExtensionSearch.Candidate> found = LocalMailbox.dotQmail(home, dash, ext);
        if (found.isEmpty() && !dash.isEmpty()) return stop(100, NO_MAILBOX);
        String text = "";
        boolean forwardOnly = false;
        if (found.isPresent()) {
            Path file = home.resolve(found.get().fileName());
            int mode = mode(file);
            if ((mode & WORLD_WRITABLE) != 0) return stop(111, "Uh-oh: .qmail file is writable. (#4.7.0)");
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return stop(111, "Unable to open " + found.get().fileName() + ": " + e.getMessage() + ". (#4.3.0)");
            }
            forwardOnly = (mode & OWNER_EXECUTE) != 0;
            lines.add("file " + found.get().fileName() + (forwardOnly ? " (x bit: forwards only)" : ""));
            found.get().defaultPart().ifPresent(d -> lines.add("DEFAULT " + d));
        }
        if (text.isEmpty()) {
            lines.add("defaultdelivery");
            text = defaultDelivery;
            forwardOnly = false;
        }
        List<Instruction> instructions;
        try {
            instructions = DotQmailFile.parse(text);
        } catch (IllegalArgumentException blankFirstLine) {
            return stop(111, blankFirstLine.getMessage());
        }
        for (Instruction i : instructions) {
            if (i instanceof Instruction.ForwardOnly) {
                forwardOnly = true;
                lines.add("+list (forwards only from here)");
            } else if (i instanceof Instruction.Forward f) {
                lines.add("forward " + f.address());
            } else if (forwardOnly) {
                String kind = i instanceof Instruction.Program ? "prog" : "file";
                return stop(111, "Uh-oh: .qmail has " + kind + " delivery but has x bit set. (#4.7.0)");
            } else if (i instanceof Instruction.Program p) {
                lines.add("program " + p.command());
            } else if (i instanceof Instruction.Maildir m) {
                lines.add("maildir " + m.path());
            } else if (i instanceof Instruction.Mbox m) {
                lines.add("mbox " + m.path());
            }
        }
        return new Result(List.copyOf(lines), 0, "");
    }

    private Result done(String line) {
        lines.add(line);
        return new Result(List.copyOf(lines), 0, "");
    }

    private Result stop(int exit, String error) {
        return new Result(List.copyOf(lines), exit, error);
    }

    /** st_mode, or -1 when the file cannot be stat'ed. */
    private static int mode(Path path) {
        try {
            return (Integer) Files.getAttribute(path, "unix:mode");
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }
}
