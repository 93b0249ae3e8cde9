/*
 * Which mailbox serves a local part, and whether it would take the mail at all: qmail-lspawn's lookup in
 * users/assign (USR-04), else qmail-getpw's last resort, the alias mailbox (USR-05, DQ-24: user "alias", dash
 * "-", ext = the whole local part), then qmail-local's search for the .qmail file (DQ-21): an extension address
 * (a non-empty dash) needs a .qmail file or a .qmail-default, a plain one always has its defaultdelivery (DQ-23).
 * Local delivery, `quail local -n` and the SMTP server's recipient check at RCPT (SEC-06) all ask here, so the
 * address RCPT refuses is exactly the one a delivery would bounce with "no mailbox here by that name".
 */
package dev.quail.config.dotqmail;

import dev.quail.config.Assignment;
import dev.quail.config.UsersAssign;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

public final class LocalMailbox {
    private static final String ALIAS_USER = "alias";

    private LocalMailbox() {}

    /** The mailbox of {@code local} (its case kept for a wildcard's ext), or empty: no such mailbox. */
    public static Optional<Assignment> assignment(UsersAssign assign, Path aliasHome, String local) {
        Optional<Assignment> found = assign.lookup(local);
        if (found.isPresent()) return found;
        if (!Files.isDirectory(aliasHome)) return Optional.empty();
        return Optional.of(new Assignment("", true, ALIAS_USER, "", "", aliasHome, "-", local));
    }

    /** The first .qmail candidate that is a regular file in {@code home} (DQ-03: anything else is skipped). */
    public static Optional<ExtensionSearch.Candidate> dotQmail(Path home, String dash, String ext) {
        for (ExtensionSearch.Candidate c : ExtensionSearch.candidates(dash, ext)) {
            try {
                if (Files.isRegularFile(home.resolve(c.fileName()))) return Optional.of(c);
            } catch (InvalidPathException impossibleName) {
                // a name built from an address (a NUL, say) names no file
            }
        }
        return Optional.empty();
    }

    /**
     * Whether a delivery to {@code local} would find a mailbox to take it (it may still defer, say for a missing
     * home: that is trouble to fix, not an unknown address). An empty local part is trashed, so it is taken.
     */
    public static boolean accepts(UsersAssign assign, Path aliasHome, String local) {
        if (local.isEmpty()) return true;
        Optional<Assignment> a = assignment(assign, aliasHome, local);
        if (a.isEmpty()) return false;
        return a.get().dash().isEmpty() || dotQmail(a.get().home(), a.get().dash(), a.get().ext()).isPresent();
    }
}
