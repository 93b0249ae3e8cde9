/*
 * One users/assign entry (USR-01): mail for a local part goes to user `user` (uid/gid kept as text, as
 * Quail's virtual users have no Unix ids to check), whose .qmail files are `home/.qmail<dash><ext>`.
 * {@code key} is the lower-cased local part (simple) or prefix (wildcard). An Assignment returned by
 * {@link UsersAssign#lookup} for a wildcard is already expanded: ext = the entry's pre + the rest of the
 * local part after the prefix, in its original case.
 */
package dev.quail.config;

import java.nio.file.Path;

public record Assignment(String key, boolean wildcard, String user, String uid, String gid, Path home,
                         String dash, String ext) {

    /** The users/assign line for this entry, e.g. `=joe:joe:1000:1000:/home/joe:::`. */
    public String line() {
        for (String field : new String[] {key, user, uid, gid, home.toString(), dash, ext}) {
            if (field.indexOf(':') >= 0 || field.indexOf('\n') >= 0 || field.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("users/assign field may not contain ':', newline or NUL: " + field);
            }
        }
        return (wildcard ? "+" : "=") + key + ":" + user + ":" + uid + ":" + gid + ":" + home + ":" + dash + ":"
                + ext + ":";
    }

    Assignment withExt(String newExt) {
        return new Assignment(key, wildcard, user, uid, gid, home, dash, newExt);
    }
}
