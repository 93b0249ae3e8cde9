/*
 * Extensions: the EHLO keywords the client uses (RFC 5321 4.1.1.1): PIPELINING (RFC 2920), SIZE
 * (RFC 1870), 8BITMIME (RFC 6152) and STARTTLS (RFC 3207). Keywords are case-insensitive; the first
 * line of the reply is the server's greeting, not a keyword. After HELO there are none.
 */
package dev.quail.protocols.smtpclient;

import java.util.Locale;

record Extensions(boolean pipelining, boolean size, boolean eightBitMime, boolean startTls) {
    static final Extensions NONE = new Extensions(false, false, false, false);

    static Extensions of(Reply ehlo) {
        boolean pipelining = false;
        boolean size = false;
        boolean eightBitMime = false;
        boolean startTls = false;
        String[] lines = ehlo.text().split("\n");
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].length() < 5) continue;
            String keyword = lines[i].substring(4).strip().split("[ \t]", 2)[0].toUpperCase(Locale.ROOT);
            if (keyword.equals("PIPELINING")) pipelining = true;
            else if (keyword.equals("SIZE")) size = true;
            else if (keyword.equals("8BITMIME")) eightBitMime = true;
            else if (keyword.equals("STARTTLS")) startTls = true;
        }
        return new Extensions(pipelining, size, eightBitMime, startTls);
    }
}
