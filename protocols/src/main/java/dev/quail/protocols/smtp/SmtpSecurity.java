/*
 * SmtpSecurity: what one SMTP listener offers about TLS and AUTH (RFC 3207, RFC 8314, RFC 6409, RFC 4954).
 *
 * tls           NONE: no TLS at all (sendmail -bs, test sinks): STARTTLS and AUTH are 502 as in qmail.
 *               STARTTLS: the connection starts in clear and EHLO offers STARTTLS until TLS is on (port 25, 587).
 *               IMPLICIT: the connection is TLS from its first byte (port 465); STARTTLS is never offered.
 * authRequired  submission (RFC 6409 sec. 4.3): MAIL is refused with 530 5.7.0 until the client has
 *               authenticated. Elsewhere AUTH is offered (after TLS) but never required.
 *
 * AUTH PLAIN and LOGIN are offered and accepted only while TLS is on, on every listener: a password never
 * crosses the network in clear.
 */
package dev.quail.protocols.smtp;

import java.util.Objects;

public record SmtpSecurity(Tls tls, boolean authRequired) {
    public enum Tls { NONE, STARTTLS, IMPLICIT }

    /** qmail's own session: no TLS, no AUTH. */
    public static final SmtpSecurity NONE = new SmtpSecurity(Tls.NONE, false);

    public SmtpSecurity {
        Objects.requireNonNull(tls);
        if (authRequired && tls == Tls.NONE) {
            throw new IllegalArgumentException("AUTH cannot be required where TLS, and so AUTH, is unavailable");
        }
    }
}
