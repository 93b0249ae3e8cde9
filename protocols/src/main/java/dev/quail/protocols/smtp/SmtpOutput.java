/*
 * SmtpOutput: what a session asks its I/O edge to do, in order.
 *
 * Reply   write these bytes: one complete reply, one or more lines, each ending CRLF.
 * Store   the next piece (at most MessagePieces.PIECE octets) of the message being received, in order: the
 *         Received line then the stored data (LF line ends). The first Store of a message starts it; the edge
 *         writes each piece to the body store before it reads on.
 * Discard the message being received is refused (too big, looping, a line too long, a bare CR or LF, a
 *         timeout): forget its pieces. No Store of it follows.
 * Submit  the message whose pieces were stored is complete: hand it to the queue with this envelope; answer
 *         with SmtpSession.queued(QueueResult). Strings carry raw octets, one char per octet (ISO-8859-1).
 * Close   close the connection once the earlier replies are written.
 * StartTls  write the earlier replies in clear, then make the connection TLS (server side of RFC 3207); call
 *         SmtpSession.tlsStarted() when the handshake is done. The session has already discarded whatever the
 *         client sent after STARTTLS, and ignores all input until then.
 * Authenticate  check this user's password (RFC 4954); answer with SmtpSession.authenticated(AuthResult).
 *         The password is the client's, as typed (UTF-8 decoded).
 */
package dev.quail.protocols.smtp;

import java.util.List;

public sealed interface SmtpOutput {

  record Reply(String text) implements SmtpOutput {}

  record Store(byte[] piece) implements SmtpOutput {}

  record Discard() implements SmtpOutput {}

  record Submit(String sender, List<String> recipients) implements SmtpOutput {
    public Submit {
      recipients = List.copyOf(recipients);
    }
  }

  record Close() implements SmtpOutput {}

  record StartTls() implements SmtpOutput {}

  record Authenticate(String user, char[] password) implements SmtpOutput {
    /** Never shows the password, whoever logs this. */
    @Override
    public String toString() {
      return "Authenticate[user=" + user + "]";
    }
  }
}
