/*
 * TransactionResult: the outcome of one Transaction, one Report per recipient in RCPT order (REM-20,
 * combined as qmail-rspawn does: see combine()). tooMany lists the recipients the server refused with 452
 * in a transaction whose message it accepted: RFC 5321 4.5.3.1.10 asks the client to send those in a new
 * transaction rather than treat them as failed, so their reports are only a fallback.
 */
package dev.quail.protocols.smtpclient;

import java.util.ArrayList;
import java.util.List;

public record TransactionResult(List<Report> reports, List<Integer> tooMany) {
    private static final int TOO_MANY_RECIPIENTS = 452;

    public TransactionResult {
        reports = List.copyOf(reports);
        tooMany = List.copyOf(tooMany);
    }

    /**
     * qmail-rspawn's combination of each recipient's RCPT reply ({@code rcpt}: null for one not answered, or the
     * whole array null when no RCPT was sent) with the message's report: an accepted or unanswered recipient gets
     * the message's; a refused one "does not like recipient", with the message's report too when it is no better.
     */
    static TransactionResult combine(String peer, int recipients, Reply[] rcpt, Report message) {
        List<Report> reports = new ArrayList<>(recipients);
        List<Integer> tooMany = new ArrayList<>();
        for (int i = 0; i < recipients; i++) {
            Reply r = rcpt == null ? null : rcpt[i];
            if (r == null || r.code() < 400) {
                reports.add(message);
                continue;
            }
            String text = peer + " does not like recipient." + r.said();
            if (r.permanent()) {
                boolean append = message.kind() == Report.Kind.FAILURE;
                reports.add(Report.failure(append ? text + "\n" + message.text() : text));
            } else {
                boolean append = message.kind() != Report.Kind.SUCCESS;
                reports.add(Report.deferral(append ? text + "\n" + message.text() : text));
            }
            if (r.code() == TOO_MANY_RECIPIENTS && message.kind() == Report.Kind.SUCCESS) tooMany.add(i);
        }
        return new TransactionResult(reports, tooMany);
    }
}
