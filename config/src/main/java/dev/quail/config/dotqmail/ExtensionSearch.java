/*
 * Which .qmail file serves an address (QMAIL-REFERENCE §6.3), as qmail-local's qmesearch:
 *  DQ-20 the extension is made safe first: ASCII lower case, every '.' turned into ':' ("safeext"), so
 *        `.qmail-p:d:q:bach` serves `p.d.q.bach`. A file name is ".qmail" + dash + safeext.
 *  DQ-21 candidates, first existing file wins: the exact name, then for each '-' of safeext from the right
 *        the prefix up to and including it + "default", then ".qmail" + dash + "default". For ext `a-b-c`:
 *        `.qmail-a-b-c`, `.qmail-a-b-default`, `.qmail-a-default`, `.qmail-default`. qmail-local always splits
 *        at a literal '-' here. With dash and ext both empty the last candidate is `.qmaildefault` (DQ-23's
 *        quirk, kept).
 *  DQ-22 $DEFAULT is the part of the original ext (original case) that "default" stands for; the exact file
 *        sets it too when its own name ends in "default".
 * Whether the files exist, and what a miss means (DQ-23), is the caller's business.
 */
package dev.quail.config.dotqmail;

import dev.quail.config.Ascii;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

public final class ExtensionSearch {
    private static final String DEFAULT = "default";

    /** One file to try, and the $DEFAULT it gives when it is the one found. */
    public record Candidate(String fileName, Optional<String> defaultPart) {}

    private ExtensionSearch() {}

    /** DQ-20: lower-cased (ASCII only, so indices still match ext) with '.' turned into ':'. */
    public static String safeExt(String ext) {
        return Ascii.lower(ext).replace('.', ':');
    }

    public static List<Candidate> candidates(String dash, String ext) {
        String safe = safeExt(ext);
        List<Candidate> out = new ArrayList<>();
        Optional<String> exactDefault = safe.endsWith(DEFAULT)
                ? Optional.of(ext.substring(safe.length() - DEFAULT.length()))
                : Optional.empty();
        out.add(new Candidate(".qmail" + dash + safe, exactDefault));
        for (int i = safe.length(); i >= 0; i--) {
            if (i == 0 || safe.charAt(i - 1) == '-') {
                out.add(new Candidate(".qmail" + dash + safe.substring(0, i) + DEFAULT, Optional.of(ext.substring(i))));
            }
        }
        return List.copyOf(out);
    }
}
