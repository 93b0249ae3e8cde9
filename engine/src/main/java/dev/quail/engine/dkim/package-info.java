/**
 * DKIM (RFC 6376): the keys under control/dkim/ and the signature a remote delivery puts on top of a message whose
 * author domain control/dkimdomains names. Canonicalisation and the RSA signature are Apache jDKIM's; this package
 * only finds the key, feeds the message through once and hands back the header field.
 */
package dev.quail.engine.dkim;
