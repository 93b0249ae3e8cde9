/*
 * Transaction: one message to send in one SMTP transaction: the envelope sender (empty = the null
 * sender "<>"), the recipients in RCPT order, and the message as Quail stores it (LF line ends).
 * Addresses are raw (unquoted); ClientSession quotes them (REM-15).
 */
package dev.quail.protocols.smtpclient;

import java.util.List;
import java.util.Objects;

public record Transaction(String sender, List<String> recipients, byte[] body) {
    public Transaction {
        Objects.requireNonNull(sender);
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(body);
        if (recipients.isEmpty()) throw new IllegalArgumentException("a transaction needs a recipient");
    }
}
