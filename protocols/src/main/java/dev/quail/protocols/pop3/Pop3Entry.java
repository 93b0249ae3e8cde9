/*
 * Pop3Entry: one message of the mailbox view a POP3 session serves, fixed at login (POP-11): its UIDL (for a
 * Maildir, the file name up to the first ':', stable across sessions and flag changes) and its size as the client
 * will receive it, in octets with CRLF line ends ({@link Pop3Content#octets}).
 */
package dev.quail.protocols.pop3;

public record Pop3Entry(String uid, long octets) {}
