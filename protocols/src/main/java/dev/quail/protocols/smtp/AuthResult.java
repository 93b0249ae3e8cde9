/*
 * AuthResult: the edge's answer to an Authenticate (RFC 4954 sec. 6): the password was right (235); wrong or the
 * user unknown (535, the two are never told apart); not even checked because this client failed too often lately
 * (454, the edge's rate limit on guessing); or not checkable now, the password store being unreadable (454).
 */
package dev.quail.protocols.smtp;

public enum AuthResult { ACCEPTED, REFUSED, THROTTLED, UNAVAILABLE }
