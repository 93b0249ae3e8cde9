package dev.quail.engine.queue;

import dev.quail.config.Control;
import dev.quail.config.Rewriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * qmail-send's bounce messages in QSBMF (BNC-10..18): one bounce per finished message with failed recipients,
 * from {@code bouncefrom@bouncehost} with the null sender to the original sender (VERP suffix removed, VERP-03);
 * for a message that was itself a bounce, a double bounce from {@code #@[]} to
 * {@code doublebounceto@doublebouncehost}; for a double bounce, nothing (a triple bounce is discarded).
 * The original message is attached whole up to {@code maxBytes}, beyond which only its header goes.
 */
public final class Bounces {
    public static final String DOUBLE_BOUNCE_SENDER = "#@[]";
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss '-0000'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** A bounce ready to queue. */
    public record Bounce(String sender, String recipient, byte[] message) {}

    /** One failed recipient: address as queued, and the report of its last attempt. */
    public record Failure(String address, String report) {}

    private Bounces() {}

    /** Empty for a triple bounce (BNC-10, BNC-17): the caller logs and drops it. */
    public static Optional<Bounce> build(Control control, Rewriter rewriter, String sender, List<Failure> failures,
                                         byte[] original, long maxBytes, Instant now) {
        if (sender.equals(DOUBLE_BOUNCE_SENDER)) return Optional.empty();
        boolean isDouble = sender.isEmpty();
        String to = isDouble ? control.doublebounceto() + "@" + control.doublebouncehost()
                : Verp.bounceAddress(sender);
        String envelopeSender = isDouble ? DOUBLE_BOUNCE_SENDER : "";
        StringBuilder b = new StringBuilder();
        b.append("Date: ").append(DATE.format(now)).append('\n')
                .append("From: ").append(control.bouncefrom()).append('@').append(control.bouncehost()).append('\n')
                .append("To: ").append(to).append('\n')
                .append("Subject: failure notice\n\n")
                .append("Hi. This is the qmail-send program at ").append(control.bouncehost()).append(".\n");
        if (isDouble) {
            b.append("I tried to deliver a bounce message to this address, but the bounce bounced!\n\n");
        } else {
            b.append("I'm afraid I wasn't able to deliver your message to the following addresses.\n")
                    .append("This is a permanent error; I've given up. Sorry it didn't work out.\n\n");
        }
        for (Failure f : failures) {
            b.append('<').append(rewriter.unprepend(f.address()).replace('\n', '_')).append(">:\n")
                    .append(paragraph(f.report())).append('\n');
        }
        b.append(isDouble ? "--- Below this line is the original bounce.\n\n"
                : "--- Below this line is a copy of the message.\n\n");
        b.append("Return-Path: <").append(sender.replace('\n', '_')).append(">\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length() + original.length);
        out.writeBytes(b.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (original.length <= maxBytes) {
            out.writeBytes(original);
        } else {
            int header = headerLength(original);
            out.write(original, 0, header);
            out.writeBytes(("\n[" + (original.length - header) + " bytes of the body were not included:"
                    + " the message was larger than " + maxBytes + " bytes.]\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        return Optional.of(new Bounce(envelopeSender, to, out.toByteArray()));
    }

    /** BNC-01: a report ends with a newline, and an empty line inside it becomes "/" so paragraphs hold. */
    static String paragraph(String report) {
        String text = report.endsWith("\n") ? report.substring(0, report.length() - 1) : report;
        StringBuilder b = new StringBuilder(text.length() + 1);
        for (String line : text.split("\n", -1)) b.append(line.isEmpty() ? "/" : line).append('\n');
        return b.toString();
    }

    /** Bytes up to and including the blank line that ends the header (the whole message if none). */
    private static int headerLength(byte[] message) {
        for (int i = 0; i + 1 < message.length; i++) {
            if (message[i] == '\n' && message[i + 1] == '\n') return i + 2;
        }
        return message.length;
    }
}
