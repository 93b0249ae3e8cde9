/*
 * TransactionResult: the outcome of one Transaction, one Report per recipient in RCPT order (REM-20,
 * combined as qmail-rspawn does). tooMany lists the recipients the server refused with 452 in a
 * transaction whose message it accepted: RFC 5321 4.5.3.1.10 asks the client to send those in a new
 * transaction rather than treat them as failed, so their reports are only a fallback.
 */
package dev.quail.protocols.smtpclient;

import java.util.List;

public record TransactionResult(List<Report> reports, List<Integer> tooMany) {
    public TransactionResult {
        reports = List.copyOf(reports);
        tooMany = List.copyOf(tooMany);
    }
}
