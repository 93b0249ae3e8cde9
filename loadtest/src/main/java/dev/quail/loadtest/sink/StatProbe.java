/*
 * StatProbe: looks at a sink connection's first command line before the SMTP session sees anything.
 * "STAT" (any case) as the first command gets the counts (RFC 5321's 211 "system status") and the
 * connection closes; anything else, and everything after it, goes to the session untouched. A first
 * line longer than 512 octets (RFC 5321 4.5.3.1.4) cannot be STAT and is passed on as soon as it is.
 */
package dev.quail.loadtest.sink;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

final class StatProbe {

    private static final int MAX_LINE = 512;
    private static final byte[] NOTHING = new byte[0];

    private byte[] buffer = NOTHING;
    private boolean decided;
    private boolean stat;

    /** Input for the session: nothing while the first line is incomplete, then everything. */
    byte[] feed(byte[] chunk) {
        if (decided) {
            return chunk;
        }
        byte[] joined = Arrays.copyOf(buffer, buffer.length + chunk.length);
        System.arraycopy(chunk, 0, joined, buffer.length, chunk.length);
        int lf = indexOf(joined, (byte) '\n');
        if (lf < 0 && joined.length <= MAX_LINE) {
            buffer = joined;
            return NOTHING;
        }
        decided = true;
        buffer = NOTHING;
        if (lf >= 0 && new String(joined, 0, lf, StandardCharsets.ISO_8859_1).trim().equalsIgnoreCase("STAT")) {
            stat = true;
            return NOTHING;
        }
        return joined;
    }

    /** True once the first line was STAT. */
    boolean stat() {
        return stat;
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
