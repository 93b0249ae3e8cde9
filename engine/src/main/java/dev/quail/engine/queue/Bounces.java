package dev.quail.engine.queue;

import dev.quail.config.Control;
import dev.quail.config.Rewriter;
import dev.quail.engine.Controls;
import dev.quail.engine.delivery.Injector;
import dev.quail.engine.delivery.MessageBody;
import dev.quail.engine.delivery.ReceivedLine;
import dev.quail.persistence.body.BodyStore;
import dev.quail.protocols.smtp.QueueResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * qmail-send's bounce messages in QSBMF (BNC-10..18): one bounce per finished message with failed recipients,
 * from {@code bouncefrom@bouncehost} with the null sender to the original sender (VERP suffix removed, VERP-03);
 * for a message that was itself a bounce, a double bounce from {@code #@[]} to
 * {@code doublebounceto@doublebouncehost}; for a double bounce, nothing (a triple bounce is discarded).
 * The original message is attached whole up to {@code maxBytes}, beyond which only its header goes (itself cut
 * at {@code maxBytes}); the original is streamed from the body store, so a bounce of a large message holds at most
 * {@code maxBytes} of it in memory.
 */
public final class Bounces {
    public static final String DOUBLE_BOUNCE_SENDER = "#@[]";
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss '-0000'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** A bounce ready to queue; its message streams the original. */
    public record Bounce(String sender, String recipient, InputStream message) {}

    /** One failed recipient: address as queued, and the report of its last attempt. */
    public record Failure(String address, String report) {}

    private Bounces() {}

    /** BNC-10, BNC-17: a failed double bounce is not bounced again; it is dropped. */
    public static boolean isTriple(String sender) {
        return sender.equals(DOUBLE_BOUNCE_SENDER);
    }

    /** Builds the bounce of {@code original} and queues it; blocking, so from an I/O thread. */
    static QueueResult inject(Injector injector, Controls.Snapshot config, String sender, List<Failure> failures,
                              MessageBody original, BodyStore bodies, Instant now) {
        try (InputStream in = original.open(bodies)) {
            Bounce b = build(config.control(), config.rewriter(), sender, failures, in, original.body().size(),
                    config.control().bouncemaxbytes(), now);
            return injector.inject(b.sender(), List.of(b.recipient()), b.message(), ReceivedLine.Invoked.FOR_BOUNCE,
                    "bounce");
        } catch (IOException e) {
            return new QueueResult.Temporary("4.3.0 unable to read the message to bounce: " + e.getMessage());
        }
    }

    /** The bounce of a message from {@code sender} ({@link #isTriple} must be false) of {@code size} bytes. */
    public static Bounce build(Control control, Rewriter rewriter, String sender, List<Failure> failures,
                               InputStream original, long size, long maxBytes, Instant now) throws IOException {
        if (isTriple(sender)) throw new IllegalArgumentException("a double bounce is not bounced");
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
        InputStream head = new ByteArrayInputStream(b.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (size <= maxBytes) return new Bounce(envelopeSender, to, new SequenceInputStream(head, original));
        byte[] header = header(original, maxBytes);
        ByteArrayOutputStream cut = new ByteArrayOutputStream(header.length + 120);
        cut.writeBytes(header);
        cut.writeBytes(("\n[" + (size - header.length) + " bytes of the body were not included:"
                + " the message was larger than " + maxBytes + " bytes.]\n").getBytes(StandardCharsets.ISO_8859_1));
        return new Bounce(envelopeSender, to, new SequenceInputStream(head, new ByteArrayInputStream(cut.toByteArray())));
    }

    /** BNC-01: a report ends with a newline, and an empty line inside it becomes "/" so paragraphs hold. */
    static String paragraph(String report) {
        String text = report.endsWith("\n") ? report.substring(0, report.length() - 1) : report;
        StringBuilder b = new StringBuilder(text.length() + 1);
        for (String line : text.split("\n", -1)) b.append(line.isEmpty() ? "/" : line).append('\n');
        return b.toString();
    }

    /** Bytes up to and including the blank line that ends the header, at most {@code max}. */
    private static byte[] header(InputStream message, long max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int previous = -1;
        for (int c; out.size() < max && (c = message.read()) >= 0; previous = c) {
            out.write(c);
            if (c == '\n' && previous == '\n') break;
        }
        return out.toByteArray();
    }
}
