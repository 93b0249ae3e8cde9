package dev.quail.engine.lists;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a bounce says, read from its first {@link #MAX_TEXT} octets (the report; the returned message after it is
 * not needed): the RFC 3463 status code of a failure, and for a QSBMF report (qmail-send's, Quail's own) the
 * recipients it names, each with its paragraph's code. A 5.7.x status is a policy rejection (DMARC, a blocklist,
 * content) that says nothing about the mailbox, so it is not counted against the member (EZ-64); nor is a report
 * that is not a failure (a 4.x.x delay, a DSN whose Action is not "failed": ezmlm-weed's job, EZ-35). A bounce
 * without any status code is counted, as ezmlm counts every bounce.
 */
record BounceReport(String text) {
    static final int MAX_TEXT = 64 * 1024;
    private static final Pattern STATUS = Pattern.compile("(?<![0-9.])([245])\\.([0-9]{1,3})\\.([0-9]{1,3})(?![0-9])");
    private static final Pattern ACTION = Pattern.compile("(?im)^Action:\\s*([a-z]+)");
    private static final Pattern RECIPIENT = Pattern.compile("(?m)^<([^<>\\s]+)>:\\s*$");
    /** ezmlm-weed's marks of an autoresponder or of list traffic, in a header (EZ-35), matched ignoring case. */
    private static final Pattern AUTOMATIC = Pattern.compile("(?im)^(auto-submitted:\\s*(?!no\\b)"
            + "|precedence:\\s*(bulk|junk|list)\\b|x-autoreply:|x-autorespond:|x-amazon-auto-reply:|mailing-list:"
            + "|list-(id|help|unsubscribe|subscribe|post|owner|archive):"
            + "|subject:.*(out of office|autoresponse|auto-reply|automatic reply|vacation))");

    /** A recipient a QSBMF report names, with the status code of its paragraph ("" for none). */
    record Failed(String address, String status) {}

    /** The first status code of a failure in the text ("" for none); empty when this is no failure report. */
    Optional<String> failureStatus() {
        Matcher action = ACTION.matcher(text);
        while (action.find()) {
            if (!action.group(1).toLowerCase(Locale.ROOT).equals("failed")) return Optional.empty();
        }
        return Optional.of(firstStatus(text));
    }

    /**
     * Whether this is an autoresponder's reply or list traffic rather than a bounce (ezmlm-weed): never counted,
     * so a vacation message to a return address cannot remove anyone. A DSN is judged by its Action instead (bounce
     * generators mark their DSNs Auto-Submitted too), and qmail's QSBMF has none of these marks.
     */
    boolean automatic() {
        if (ACTION.matcher(text).find()) return false;
        int end = text.indexOf("\n\n");
        return AUTOMATIC.matcher(end < 0 ? text : text.substring(0, end)).find();
    }

    /** QSBMF's paragraphs, {@code <address>:} then the report, up to the next empty line or the next address. */
    List<Failed> recipients() {
        List<Failed> failed = new ArrayList<>();
        Matcher m = RECIPIENT.matcher(text);
        List<int[]> spans = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        while (m.find()) {
            addresses.add(m.group(1));
            spans.add(new int[] {m.end(), text.length()});
            if (spans.size() > 1) spans.get(spans.size() - 2)[1] = m.start();
        }
        for (int i = 0; i < addresses.size(); i++) {
            String paragraph = text.substring(spans.get(i)[0], spans.get(i)[1]);
            int blank = paragraph.indexOf("\n\n");
            String own = blank < 0 ? paragraph : paragraph.substring(0, blank);
            failed.add(new Failed(addresses.get(i), firstStatus(own)));
        }
        return failed;
    }

    /** Whether a bounce with this status counts against the member. */
    static boolean counts(String status) {
        return status.isEmpty() || (status.startsWith("5.") && !status.startsWith("5.7."));
    }

    private static String firstStatus(String text) {
        Matcher s = STATUS.matcher(text);
        return s.find() ? s.group(1) + "." + s.group(2) + "." + s.group(3) : "";
    }
}
