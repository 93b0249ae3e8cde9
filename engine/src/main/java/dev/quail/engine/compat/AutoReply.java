package dev.quail.engine.compat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;

/**
 * autorespond's decision and reply (an out-of-office answer, what qmail-autoresponder and vacation did), by the
 * rules of RFC 3834 so that two responders, a list or a bounce never start a mail loop: no answer to the null or
 * double-bounce sender, to a robot's address (MAILER-DAEMON, owner-, -request, VERP returns), to a message that says
 * it is automatic or bulk (Auto-Submitted other than "no", Precedence bulk/junk/list, any List-* or Mailing-List
 * field, X-Auto-Response-Suppress), nor to one whose To/Cc does not name the mailbox (a Bcc or a list copy). The
 * answer goes from the null sender (it can never bounce back), says {@code Auto-Submitted: auto-replied}, and refers
 * to the original by In-Reply-To and References. Only the original's header is read. How often one sender hears
 * from the mailbox is {@link RecentReplies}'s business.
 */
public final class AutoReply {
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss '+0000'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern ROBOT = Pattern.compile(
            "mailer-daemon|majordomo|listserv|owner-.*|.*-owner|.*-request|.*-bounces?(\\+.*)?|.*-return-.*");
    private static final List<String> LIST_FIELDS =
            List.of("List-Id", "List-Post", "List-Unsubscribe", "List-Help", "Mailing-List");
    /** The template's fields the reply sets itself. */
    private static final List<String> OWN_FIELDS =
            List.of("From", "To", "Subject", "Date", "Message-ID", "In-Reply-To", "References", "Auto-Submitted");

    private AutoReply() {}

    /** What to answer with: the template's header fields (From and Subject among them) and its body. */
    public record Template(List<String> fields, String body) {
        /** A template file: header fields, an empty line, the text (a file without header is all text). */
        public static Template parse(String text) {
            String unix = text.replace("\r\n", "\n");
            int end = unix.indexOf("\n\n");
            if (end < 0 || !unix.substring(0, end).lines().allMatch(l -> l.matches("[!-9;-~]+:.*|[ \t].*"))) {
                return new Template(List.of(), unix);
            }
            try {
                return new Template(HeaderFields.read(new ByteArrayInputStream(
                        unix.substring(0, end + 1).getBytes(StandardCharsets.UTF_8))), unix.substring(end + 2));
            } catch (IOException impossible) {
                throw new IllegalStateException(impossible);
            }
        }

        /** The address of the template's From, the mailbox the answer speaks for. */
        public Optional<String> address() {
            return HeaderFields.value(fields, "From").flatMap(from -> LenientAddressParser.DEFAULT
                    .parseAddressList(from).flatten().stream().findFirst().map(Mailbox::getAddress));
        }
    }

    /** The answer to send, or why none is sent. */
    public sealed interface Decision {
        record Reply(byte[] message) implements Decision {}

        record Silence(String why) implements Decision {}
    }

    /**
     * Whether and how the mailbox {@code mailbox} answers {@code original} (its header is read, the rest left
     * unread), which came from the envelope sender {@code sender}.
     */
    public static Decision decide(InputStream original, String sender, String mailbox, Template template,
                                  Instant now) throws IOException {
        if (sender.isEmpty() || sender.equals("#@[]")) return new Decision.Silence("no answer to a bounce");
        int at = sender.lastIndexOf('@');
        String local = (at < 0 ? sender : sender.substring(0, at)).toLowerCase(Locale.ROOT);
        if (ROBOT.matcher(local).matches()) return new Decision.Silence("no answer to a robot: " + sender);
        List<String> header = HeaderFields.read(original);
        String auto = HeaderFields.value(header, "Auto-Submitted").orElse("no").toLowerCase(Locale.ROOT);
        if (!auto.startsWith("no")) return new Decision.Silence("no answer to Auto-Submitted: " + auto);
        String precedence = HeaderFields.value(header, "Precedence").orElse("").toLowerCase(Locale.ROOT);
        if (List.of("bulk", "junk", "list").contains(precedence)) {
            return new Decision.Silence("no answer to Precedence: " + precedence);
        }
        for (String field : LIST_FIELDS) {
            if (HeaderFields.value(header, field).isPresent()) {
                return new Decision.Silence("no answer to a list (" + field + ")");
            }
        }
        String suppress = HeaderFields.value(header, "X-Auto-Response-Suppress").orElse("").toLowerCase(Locale.ROOT);
        if (suppress.matches(".*\\b(all|autoreply|oof)\\b.*")) {
            return new Decision.Silence("no answer to X-Auto-Response-Suppress: " + suppress);
        }
        if (!names(header, mailbox)) return new Decision.Silence("not addressed to " + mailbox + " in To or Cc");
        return new Decision.Reply(reply(header, sender, mailbox, template, now));
    }

    private static boolean names(List<String> header, String mailbox) {
        for (String field : header) {
            int colon = field.indexOf(':');
            if (colon < 0) continue;
            String name = field.substring(0, colon).strip();
            if (!name.equalsIgnoreCase("To") && !name.equalsIgnoreCase("Cc")) continue;
            for (Mailbox m : LenientAddressParser.DEFAULT.parseAddressList(field.substring(colon + 1)).flatten()) {
                if (m.getAddress().equalsIgnoreCase(mailbox)) return true;
            }
        }
        return false;
    }

    private static byte[] reply(List<String> header, String sender, String mailbox, Template template, Instant now) {
        String subject = HeaderFields.value(header, "Subject").orElse("");
        String domain = mailbox.substring(mailbox.lastIndexOf('@') + 1);
        StringBuilder b = new StringBuilder();
        b.append("From: ").append(HeaderFields.value(template.fields(), "From").orElse(mailbox)).append('\n')
                .append("To: <").append(sender).append(">\n")
                .append("Subject: ").append(HeaderFields.value(template.fields(), "Subject")
                        .map(s -> s.replace("%S", subject)).orElse("Auto: " + subject)).append('\n')
                .append("Date: ").append(DATE.format(now)).append('\n')
                .append("Message-ID: <").append(now.getEpochSecond()).append('.')
                .append(Long.toUnsignedString(RANDOM.nextLong(), 36)).append(".autorespond@").append(domain)
                .append(">\n");
        Optional<String> id = HeaderFields.value(header, "Message-ID");
        id.ifPresent(i -> b.append("In-Reply-To: ").append(i).append('\n'));
        String references = (HeaderFields.value(header, "References").orElse("") + " " + id.orElse("")).strip();
        if (!references.isEmpty()) b.append("References: ").append(references).append('\n');
        b.append("Auto-Submitted: auto-replied\n");
        boolean typed = false;
        for (String field : template.fields()) {
            String name = field.substring(0, Math.max(field.indexOf(':'), 0)).strip();
            if (OWN_FIELDS.stream().anyMatch(name::equalsIgnoreCase)) continue;
            typed |= name.equalsIgnoreCase("Content-Type");
            b.append(field).append('\n');
        }
        if (!typed) b.append("MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n");
        b.append('\n').append(template.body());
        if (!template.body().endsWith("\n")) b.append('\n');
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
