/*
 * Pop3Output: what a POP3 session asks its I/O edge to do, in order.
 *
 * Reply         write this text (one or more lines, each ending CRLF; ISO-8859-1, one char per octet).
 * Authenticate  check the credentials, off the session's thread, and answer with Pop3Session.loggedIn(). For
 *               APOP the secret is the client's digest and the timestamp is the greeting's, as qmail-popup passes
 *               them to checkpassword (POP-03). The secret is raw octets; clear it once used.
 * Retrieve      send message {@code index} (0-based, in the login view) through a Pop3Content.encoder, as it is
 *               read, or Pop3Content.UNABLE_TO_OPEN when it cannot be opened; {@code bodyLines} -1 = all (RETR),
 *               else TOP's.
 * Commit        the UPDATE state (POP-15): remove the messages at {@code deleted} (indexes), move every other
 *               message still in new/ to cur/, then answer with Pop3Session.committed().
 * StartTls      the earlier replies go out in clear; every byte after them, both ways, goes through TLS
 *               (RFC 2595). Bytes received in clear after the STLS line never reach TLS (the session drops them);
 *               once the handshake is done, call Pop3Session.tlsStarted() before passing on any plaintext.
 * Close         close the connection once the earlier replies are written.
 */
package dev.quail.protocols.pop3;

import java.util.List;

public sealed interface Pop3Output {

    record Reply(String text) implements Pop3Output {}

    record Authenticate(String user, byte[] secret, String timestamp, boolean apop) implements Pop3Output {}

    record Retrieve(int index, long bodyLines) implements Pop3Output {}

    record Commit(List<Integer> deleted) implements Pop3Output {
        public Commit {
            deleted = List.copyOf(deleted);
        }
    }

    record StartTls() implements Pop3Output {}

    record Close() implements Pop3Output {}
}
