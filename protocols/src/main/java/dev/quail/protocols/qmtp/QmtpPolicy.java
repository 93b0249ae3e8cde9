/*
 * QmtpPolicy: what one QMTP connection obeys, decided by the engine from the control files: the host name for the
 * Received line, databytes (0 = unlimited, QMTP-05), the rcpthosts/relayclients decision for each recipient, and
 * how many recipients one package may queue (qmail has no bound; Quail keeps SMTP's, and the rest of a longer list
 * hear Z and are retried by the client, so memory stays bounded for a listener open to anyone).
 */
package dev.quail.protocols.qmtp;

import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

public record QmtpPolicy(String me, long databytes, Predicate<String> recipientAllowed, int maxRecipients,
                         BooleanSupplier storageLow) {}
