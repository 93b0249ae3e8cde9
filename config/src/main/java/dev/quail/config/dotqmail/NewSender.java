/*
 * The envelope sender of forwards (NEWSENDER, QMAIL-REFERENCE DQ-33 and §8.3 BNC-20, VERP-04): a mailing list
 * `.qmail<dash><ext>` gets its bounces sent to its owner instead of the poster.
 *  - the original sender is kept when it is `<>` (a bounce) or `#@[]` (a double bounce): those must never
 *    be answered;
 *  - else if `.qmail<dash><safeext>-owner` exists: with `.qmail<dash><safeext>-owner-default` also present
 *    the VERP sender `<local>-owner-@<host>-@[]` (each bounce then names the failing subscriber, VERP-05),
 *    otherwise `<local>-owner@<host>`;
 *  - else the original sender.
 * safeext is that of the address's own ext, not of the default file that matched.
 */
package dev.quail.config.dotqmail;

import java.util.function.Predicate;

public final class NewSender {
    private NewSender() {}

    /** @param exists whether a file of this name exists in the home directory */
    public static String of(String sender, String local, String host, String dash, String ext,
                            Predicate<String> exists) {
        if (sender.isEmpty() || sender.equals("#@[]")) return sender;
        String base = ".qmail" + dash + ExtensionSearch.safeExt(ext);
        if (!exists.test(base + "-owner")) return sender;
        if (exists.test(base + "-owner-default")) return local + "-owner-@" + host + "-@[]";
        return local + "-owner@" + host;
    }
}
