/*
 * qmail's config-fast for a Quail home: given this host's fully-qualified name FQDN it writes
 *   control/me            = FQDN
 *   control/defaultdomain = FQDN without its first label (mail.example.com → example.com), as config-fast's
 *                           sed does: only when FQDN has three labels or more, else FQDN itself
 *   control/plusdomain    = the last two labels of FQDN (a.b.example.com → example.com), again only with
 *                           three labels or more
 *   control/locals, control/rcpthosts: FQDN added, other lines kept.
 * Quail departure: FQDN is added to locals/rcpthosts only if not already listed (config-fast appends
 * blindly), so running it twice changes nothing. Every file is replaced atomically ({@link ControlWriter}).
 */
package dev.quail.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

public final class ConfigFast {
    private ConfigFast() {}

    public static void apply(Path home, String fqdn) throws IOException {
        if (fqdn.isEmpty() || !fqdn.matches("[^\\s:/@#\\[\\]]+")) {
            throw new IllegalArgumentException("not a host name: '" + fqdn + "'");
        }
        QuailHome layout = QuailHome.of(home);
        ControlWriter.write(layout.control("me"), List.of(fqdn));
        ControlWriter.write(layout.control("defaultdomain"), List.of(defaultDomain(fqdn)));
        ControlWriter.write(layout.control("plusdomain"), List.of(plusDomain(fqdn)));
        addEntry(layout.control("locals"), fqdn);
        addEntry(layout.control("rcpthosts"), fqdn);
    }

    static String defaultDomain(String fqdn) {
        String[] labels = fqdn.split("\\.", -1);
        return labels.length >= 3 ? fqdn.substring(fqdn.indexOf('.') + 1) : fqdn;
    }

    static String plusDomain(String fqdn) {
        String[] labels = fqdn.split("\\.", -1);
        int n = labels.length;
        return n >= 3 ? labels[n - 2] + "." + labels[n - 1] : fqdn;
    }

    private static void addEntry(Path file, String entry) throws IOException {
        List<String> lines = new ArrayList<>(ControlFiles.rawLines(file).orElse(List.of()));
        for (String line : lines) {
            if (Ascii.lower(ControlFiles.stripTrailing(line)).equals(Ascii.lower(entry))) return;
        }
        lines.add(entry);
        ControlWriter.write(file, lines);
    }
}
