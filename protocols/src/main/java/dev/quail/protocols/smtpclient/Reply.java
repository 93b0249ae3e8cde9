/*
 * Reply: one SMTP reply as qmail-remote keeps it (REM-12): the code of its first line and the text of
 * all its lines, each line whole (code and separator included), joined by '\n', CRs dropped, NULs made
 * '?', at most MAX_TEXT octets (one char per octet, ISO-8859-1). A reply that does not start with three
 * digits is a peer we cannot understand: it gets code 421, so the dialogue treats it as "temporary,
 * closing" rather than guessing at success.
 */
package dev.quail.protocols.smtpclient;

public record Reply(int code, String text) {
    /** qmail-remote's HUGESMTPTEXT. */
    public static final int MAX_TEXT = 5000;
    public static final int MALFORMED = 421;

    public boolean permanent() {
        return code >= 500;
    }

    /** The line qmail-remote appends to its reports; empty when the peer said nothing. */
    String said() {
        return text.isEmpty() ? "" : "\nRemote host said: " + text;
    }
}
