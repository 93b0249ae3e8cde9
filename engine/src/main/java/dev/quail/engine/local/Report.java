package dev.quail.engine.local;

import java.nio.charset.StandardCharsets;

/**
 * What one local delivery has to say: the output of its programs and qmail-local's own lines, in order, as
 * qmail-lspawn collects a child's stdout and stderr (SPAWN-04). It becomes the report of the {@code Outcome},
 * shown in the log and in bounces. LSPAWN-03: a report longer than 3000 bytes is cut and says so.
 */
final class Report {
    static final int LIMIT = 3000;
    static final String TOO_LONG = "\nError report too long, sorry.\n";

    private final StringBuilder text = new StringBuilder();

    /** Program output, as bytes (ISO-8859-1 keeps every byte). */
    void output(byte[] bytes, int length) {
        text.append(new String(bytes, 0, length, StandardCharsets.ISO_8859_1));
    }

    /** One of qmail-local's own lines; the newline is added. */
    void line(String line) {
        text.append(line).append('\n');
    }

    String text() {
        if (text.length() <= LIMIT) return text.toString();
        return text.substring(0, LIMIT - TOO_LONG.length() - 3) + TOO_LONG;
    }
}
