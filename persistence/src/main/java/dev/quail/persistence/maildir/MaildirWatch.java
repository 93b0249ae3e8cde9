/*
 * MaildirWatch: the summary qmail's maildirwatch prints for each new message (MDWATCH-01), oldest first:
 *
 *   FROM <Return-Path> TO <Delivered-To>
 *   ESC[1m<the From: line>ESC[0m          (only when there is one)
 *   <subject and body, at most 158 characters>
 *   (blank line)
 *
 * As maildirwatch.c: the last Return-Path and Delivered-To win ("?" when missing, the Return-Path printed with
 * its brackets); every Subject value (after the field name and the blanks that follow it) is taken with its line
 * end, then the blank line and the body; folded header lines belong to their field; a line that is not a header
 * field ends the header and starts the body. Bytes outside printable ASCII become '/' in the From line and the
 * text, '?' in the two addresses. Only new/ is summarised: mail already seen by a reader is not news.
 */
package dev.quail.persistence.maildir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

public final class MaildirWatch {
    /** maildirwatch keeps two terminal lines of text. */
    static final int TEXT_LIMIT = 158;

    private MaildirWatch() {}

    public static String summary(MaildirMailbox mailbox) throws IOException {
        StringBuilder out = new StringBuilder();
        for (MaildirMailbox.Entry entry : mailbox.scan()) {
            if (!entry.isNew()) continue;
            try {
                out.append(describe(mailbox.read(entry)));
            } catch (NoSuchFileException readMeanwhile) {
                // a reader took it out of new/ between the scan and now: it is no longer news
            }
        }
        return out.toString();
    }

    static String describe(byte[] message) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        String sender = "?";
        String recipient = "?";
        String from = "";
        StringBuilder summary = new StringBuilder();
        int at = 0;
        boolean header = true;
        while (at < text.length()) {
            int end = lineEnd(text, at);
            String line = text.substring(at, end);
            if (header && (line.equals("\n") || !isField(line))) header = false;
            if (!header) {
                summary.append(line);
                at = end;
                continue;
            }
            while (end < text.length() && (text.charAt(end) == ' ' || text.charAt(end) == '\t')) {
                end = lineEnd(text, end);
            }
            String field = text.substring(at, end);
            String name = field.startsWith("From ") ? ""
                    : field.substring(0, field.indexOf(':')).toLowerCase(Locale.ROOT);
            String value = field.substring(skipName(field));
            String withoutEnd = value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
            switch (name) {
                case "subject": summary.append(value); break;
                case "delivered-to": recipient = withoutEnd; break;
                case "return-path": sender = withoutEnd; break;
                case "from": from = field.endsWith("\n") ? field.substring(0, field.length() - 1) : field; break;
                default: break;
            }
            at = end;
        }
        String body = summary.length() > TEXT_LIMIT ? summary.substring(0, TEXT_LIMIT) : summary.toString();
        StringBuilder out = new StringBuilder();
        out.append("FROM ").append(printable(sender, '?')).append(" TO <").append(printable(recipient, '?'))
                .append(">\n");
        if (!from.isEmpty()) out.append("\033[1m").append(printable(from, '/')).append("\033[0m\n");
        return out.append(printable(body, '/')).append("\n\n").toString();
    }

    private static int lineEnd(String text, int from) {
        int lf = text.indexOf('\n', from);
        return lf < 0 ? text.length() : lf + 1;
    }

    /** "Name:" with a name of printable, non-blank characters; mbox "From " lines count as fields too. */
    private static boolean isField(String line) {
        if (line.startsWith("From ")) return true;
        int colon = line.indexOf(':');
        if (colon <= 0) return false;
        for (int i = 0; i < colon; i++) {
            char c = line.charAt(i);
            if (c <= ' ' || c > '~') return false;
        }
        return true;
    }

    /** Past the name, the colon and the blanks after it (qmail's hfield_skipname). */
    private static int skipName(String field) {
        int i = field.indexOf(':') + 1;
        while (i < field.length() && " \t\r\n".indexOf(field.charAt(i)) >= 0) i++;
        return i;
    }

    private static String printable(String s, char replacement) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c < 32 || c > 126 ? replacement : c);
        }
        return b.toString();
    }
}
