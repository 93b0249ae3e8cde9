/*
 * TlsPolicy: what the client does about STARTTLS (RFC 3207) with one destination, in Postfix's words
 * (smtp_tls_security_level):
 *
 * NONE     never start TLS (qmail-remote's dialogue).
 * MAY      opportunistic: STARTTLS whenever EHLO offers it, without checking the certificate (an active
 *          attacker can strip or intercept it, a passive one reads nothing); in clear when it is not offered
 *          or is refused.
 * ENCRYPT  the same, but mail is never sent in clear: a server that does not offer STARTTLS, or refuses it,
 *          gets a deferral "TLS required but not offered by IP (#4.7.0)" instead of the message.
 */
package dev.quail.protocols.smtpclient;

public enum TlsPolicy { NONE, MAY, ENCRYPT }
