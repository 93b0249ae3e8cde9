package dev.quail.engine.lists;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The mail a list writes itself (EZ-17): help, confirmation requests, welcome and goodbye, bounce warnings and
 * probes. From {@code LIST-help@DOMAIN}, with {@code Delivered-To: responder for LIST@DOMAIN} as ezmlm's loop mark
 * and the list's List-* fields, so autoresponders and other lists leave it alone; a confirmation request's
 * {@code Reply-To} is the address that confirms it, so "just reply" works. Texts are plain and short; a list's
 * text/help, text/sub-ok and text/unsub-ok replace the help, welcome and goodbye ({@link #text}).
 */
final class Replies {
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss '+0000'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();
    static final int MAX_TEXT = 64 * 1024;

    private Replies() {}

    static byte[] message(ListAddress list, String to, String subject, Optional<String> replyTo, String text,
                          Instant now) {
        return message(list, to, subject, replyTo, "text/plain; charset=utf-8", text, now);
    }

    /** A message whose body, {@code text}, is of {@code contentType}. */
    static byte[] message(ListAddress list, String to, String subject, Optional<String> replyTo, String contentType,
                          String text, Instant now) {
        StringBuilder b = new StringBuilder();
        b.append("From: ").append(list.command("help")).append('\n')
                .append("To: ").append(to).append('\n');
        replyTo.ifPresent(r -> b.append("Reply-To: ").append(r).append('\n'));
        b.append("Subject: ").append(subject).append('\n')
                .append("Date: ").append(DATE.format(now)).append('\n')
                .append("Message-ID: <").append(now.getEpochSecond()).append('.')
                .append(Long.toUnsignedString(RANDOM.nextLong(), 36)).append(".quail@").append(list.domain())
                .append(">\n")
                .append("Mailing-List: contact ").append(list.command("help")).append("; run by Quail\n")
                .append("List-Id: <").append(list.id()).append(">\n")
                .append("List-Help: <mailto:").append(list.command("help")).append(">\n")
                .append("Delivered-To: responder for ").append(list).append('\n')
                .append("Auto-Submitted: auto-replied\n")
                .append("MIME-Version: 1.0\nContent-Type: ").append(contentType).append("\n\n")
                .append(text);
        if (!text.endsWith("\n")) b.append('\n');
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A message whose body is {@code text} and then {@code attached}, whole, as message/rfc822: streamed, so an
     * attached post of any size is never in memory.
     */
    static InputStream withAttachment(ListAddress list, String to, String subject, Optional<String> replyTo,
                                      String text, InputStream attached, Instant now) {
        String boundary = "quail-" + Long.toUnsignedString(RANDOM.nextLong(), 36);
        byte[] head = message(list, to, subject, replyTo, "multipart/mixed; boundary=\"" + boundary + "\"",
                "--" + boundary + "\nContent-Type: text/plain; charset=utf-8\n\n" + text + "\n--" + boundary
                        + "\nContent-Type: message/rfc822\n\n", now);
        byte[] tail = ("\n--" + boundary + "--\n").getBytes(StandardCharsets.US_ASCII);
        return new SequenceInputStream(Collections.enumeration(List.of(new ByteArrayInputStream(head), attached,
                new ByteArrayInputStream(tail))));
    }

    /**
     * The list's own text/NAME when it has one (ezmlm's text files, EZ-18: {@code <#l#>} the list's name,
     * {@code <#h#>} its domain, {@code <#A#>} the address the answer is about), its first {@link #MAX_TEXT} octets;
     * else {@code builtin}.
     */
    static String text(MailingList list, String name, String builtin, String target) throws IOException {
        Path file = list.dir().resolve("text").resolve(name);
        if (!Files.isRegularFile(file)) return builtin;
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_TEXT);
        }
        return new String(bytes, StandardCharsets.UTF_8).replace("<#l#>", list.name().local())
                .replace("<#h#>", list.name().domain()).replace("<#A#>", target);
    }

    static String help(ListAddress list) {
        return "Hi! This is the Quail list manager for " + list + ".\n\n"
                + "To subscribe, send a message to:\n   " + list.command("subscribe") + "\n"
                + "To unsubscribe, send a message to:\n   " + list.command("unsubscribe") + "\n"
                + "To reach the list's owner, write to:\n   " + list.command("owner") + "\n"
                + "Posts go to:\n   " + list + "\n";
    }

    static String warning(ListAddress list, String member, long count) {
        return "Hi! This is the Quail list manager for " + list + ".\n\n"
                + "Messages to you (" + member + ") from the list have been bouncing: " + count
                + (count == 1 ? " bounce" : " bounces") + " so far.\n"
                + "If this warning bounces too, a probe will follow, and if the probe bounces you will be removed"
                + " from the list.\n\n" + help(list);
    }

    static String probe(ListAddress list, String member) {
        return "Hi! This is the Quail list manager for " + list + ".\n\n"
                + "Messages to you (" + member + ") from the list have been bouncing, and so did our warning.\n"
                + "If this probe bounces as well, you will be removed from the list.\n\n" + help(list);
    }
}
