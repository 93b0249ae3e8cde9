/*
 * Extensions: the EHLO keywords the client uses (RFC 5321 4.1.1.1): PIPELINING (RFC 2920), SIZE
 * (RFC 1870, with the server's limit when it states one), 8BITMIME (RFC 6152) and STARTTLS (RFC 3207).
 * Keywords are case-insensitive; the first line of the reply is the server's greeting, not a keyword.
 * After HELO there are none. A server may list MAX_KEYWORDS keywords: real ones list about ten, and one
 * that lists more is not one to talk to (of() is empty).
 */
package dev.quail.protocols.smtpclient;

import java.util.Locale;
import java.util.Optional;

record Extensions(boolean pipelining, boolean size, long sizeLimit, boolean eightBitMime, boolean startTls) {
    static final Extensions NONE = new Extensions(false, false, 0, false, false);
    static final int MAX_KEYWORDS = 50;
    /** Digits of a SIZE limit that fit a long; a longer limit is no limit for any message we hold. */
    private static final int MAX_DIGITS = 18;

    static Optional<Extensions> of(Reply ehlo) {
        boolean pipelining = false;
        long sizeLimit = 0;
        boolean size = false;
        boolean eightBitMime = false;
        boolean startTls = false;
        String[] lines = ehlo.text().split("\n");
        if (lines.length - 1 > MAX_KEYWORDS) return Optional.empty();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].length() < 5) continue;
            String[] words = lines[i].substring(4).strip().split("[ \t]+", 3);
            String keyword = words[0].toUpperCase(Locale.ROOT);
            if (keyword.equals("PIPELINING")) {
                pipelining = true;
            } else if (keyword.equals("SIZE")) {
                size = true;
                sizeLimit = words.length > 1 ? limit(words[1]) : 0;
            } else if (keyword.equals("8BITMIME")) {
                eightBitMime = true;
            } else if (keyword.equals("STARTTLS")) {
                startTls = true;
            }
        }
        return Optional.of(new Extensions(pipelining, size, sizeLimit, eightBitMime, startTls));
    }

    /** RFC 1870: the server's fixed maximum, 0 when it has none (or states none we can read). */
    private static long limit(String word) {
        if (word.isEmpty() || word.length() > MAX_DIGITS || !word.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return 0;
        }
        return Long.parseLong(word);
    }
}
