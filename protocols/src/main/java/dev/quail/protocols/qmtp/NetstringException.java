/*
 * NetstringException: input that is not a well-formed netstring (NS-01). qmail-qmtpd and qmail-qmqpd tell the two
 * kinds apart by their exit code: a length beyond the limit is a resource problem (111), anything else a protocol
 * violation (100). Either way the connection ends without a reply.
 */
package dev.quail.protocols.qmtp;

public final class NetstringException extends Exception {
    public enum Kind { TOO_LONG, SYNTAX }

    private final Kind kind;

    public NetstringException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    static NetstringException syntax(String message) {
        return new NetstringException(Kind.SYNTAX, message);
    }
}
