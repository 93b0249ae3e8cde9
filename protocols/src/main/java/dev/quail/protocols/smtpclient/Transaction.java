/*
 * Transaction: one message to send in one SMTP transaction: the envelope sender (empty = the null
 * sender "<>"), the recipients in RCPT order, and what the dialogue needs to know of the message
 * before sending it: its size as stored (LF line ends), whether it has 8-bit octets, whether its last
 * line lacks an LF. The message itself never passes through the session: the edge streams it
 * (ClientOutput.SendBody, DataEncoder). Addresses are raw (unquoted); ClientSession quotes them (REM-15).
 */
package dev.quail.protocols.smtpclient;

import java.util.List;
import java.util.Objects;

public record Transaction(String sender, List<String> recipients, long size, boolean eightBit,
                          boolean partialFinalLine) {
    public Transaction {
        Objects.requireNonNull(sender);
        recipients = List.copyOf(recipients);
        if (recipients.isEmpty()) throw new IllegalArgumentException("a transaction needs a recipient");
        if (size < 0) throw new IllegalArgumentException("negative size " + size);
    }
}
