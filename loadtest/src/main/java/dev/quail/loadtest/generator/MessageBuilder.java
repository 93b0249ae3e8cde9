/*
 * MessageBuilder: the loadtest's messages. Each is a valid RFC 5322 message with CRLF line ends, every
 * line at most 78 characters (RFC 5322 2.1.1's SHOULD), padded to exactly --size octets as sent before
 * the terminating "." line:
 *
 *   Date, From, To (the --to ADDRESS; with --rcpts K the envelope carries all K), Subject with the
 *   message number, Message-ID <number.run@quail-loadtest.invalid>, MIME-Version, Content-Type;
 *   then body lines of 76 characters rotating through [0-9a-zA-Z] (never a leading ".", so no
 *   dot-stuffing is needed), the last lines shortened so the total comes out exact.
 *
 * A size below the header's length gives the header alone (the size is then a floor). A size one
 * octet past the header cannot be a body line (a line needs its CRLF), so that one octet goes into
 * the Subject as a trailing ".".
 */
package dev.quail.loadtest.generator;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

public final class MessageBuilder {

    static final int MAX_LINE = 78;

    private static final String FILLER = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final String[] FILLER_LINES = fillerLines();
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final String from;
    private final String to;
    private final int size;
    private final String run;
    private final Clock clock;

    public MessageBuilder(String from, String to, int size, String run, Clock clock) {
        this.from = from;
        this.to = to;
        this.size = size;
        this.run = run;
        this.clock = clock;
    }

    /** Message number {@code index} (0-based; shown 1-based in the Subject). */
    public byte[] build(long index) {
        String header = header(index, "");
        int remaining = size - header.length();
        if (remaining == 1) {
            header = header(index, ".");
            remaining = 0;
        }
        StringBuilder message = new StringBuilder(Math.max(size, header.length())).append(header);
        for (int line = 0; remaining > 0; line++) {
            int octets = remaining >= MAX_LINE + 2 || remaining == MAX_LINE ? MAX_LINE
                    : remaining == MAX_LINE + 1 ? MAX_LINE - 1 // leaves 2: an empty line
                    : remaining;
            appendFiller(message, line, octets - 2);
            message.append("\r\n");
            remaining -= octets;
        }
        return message.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private String header(long index, String subjectPad) {
        return "Date: " + DATE.format(clock.instant()) + "\r\n"
                + "From: Quail loadtest <" + from + ">\r\n"
                + "To: <" + to + ">\r\n"
                + "Subject: quail loadtest message " + (index + 1) + subjectPad + "\r\n"
                + "Message-ID: <" + (index + 1) + "." + run + "@quail-loadtest.invalid>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "\r\n";
    }

    private static void appendFiller(StringBuilder message, int line, int chars) {
        message.append(FILLER_LINES[line % FILLER_LINES.length], 0, chars);
    }

    /** Every rotation of FILLER as a full-length line, built once: the generator builds thousands a second. */
    private static String[] fillerLines() {
        String[] lines = new String[FILLER.length()];
        String repeated = FILLER.repeat(3);
        for (int offset = 0; offset < lines.length; offset++) {
            lines[offset] = repeated.substring(offset, offset + MAX_LINE - 2);
        }
        return lines;
    }
}
