/*
 * The environment qmail-local gives `|program` lines (QMAIL-REFERENCE DQ-32), added to the one Quail runs in:
 *   SENDER     envelope sender            NEWSENDER  sender of forwards (DQ-33)
 *   RECIPIENT  local@host                 USER, HOME the mailbox's user name and home directory
 *   HOST       the domain                 LOCAL      the local part as received
 *   EXT        the extension; EXT2, EXT3, EXT4 what follows its first, second, third '-'
 *   HOST2, HOST3, HOST4  HOST without its last one, two, three dot-components (stops when no dot is left)
 *   DEFAULT    the part of EXT a -default file stands for (DQ-22); only set when such a file matched
 *   DTLINE, RPLINE, UFLINE  the lines of {@link DeliveryLines}, each with its newline
 * The values come from the message's envelope: a program must treat them as untrusted text.
 */
package dev.quail.config.dotqmail;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

public final class ProgramEnvironment {
    private ProgramEnvironment() {}

    /** What qmail-local knows about one delivery. */
    public record Delivery(String user, String home, String local, String ext, String host, String sender,
                           String newSender, Optional<String> defaultPart, String dtline, String rpline,
                           String ufline) {}

    /** The variables to set, in qmail-local's order; DEFAULT is absent when no -default file matched. */
    public static Map<String, String> of(Delivery d) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOST", d.host());
        env.put("HOME", d.home());
        env.put("USER", d.user());
        env.put("LOCAL", d.local());
        env.put("RECIPIENT", d.local() + "@" + d.host());
        env.put("DTLINE", d.dtline());
        env.put("SENDER", d.sender());
        env.put("RPLINE", d.rpline());
        env.put("UFLINE", d.ufline());
        String ext = d.ext();
        env.put("EXT", ext);
        for (int n = 2; n <= 4; n++) {
            ext = afterDash(ext);
            env.put("EXT" + n, ext);
        }
        String host = d.host();
        for (int n = 2; n <= 4; n++) {
            int dot = host.lastIndexOf('.');
            if (dot >= 0) host = host.substring(0, dot);
            env.put("HOST" + n, host);
        }
        d.defaultPart().ifPresent(part -> env.put("DEFAULT", part));
        env.put("NEWSENDER", d.newSender());
        return env;
    }

    private static String afterDash(String s) {
        int dash = s.indexOf('-');
        return dash < 0 ? "" : s.substring(dash + 1);
    }
}
