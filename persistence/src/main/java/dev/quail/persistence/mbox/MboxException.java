/*
 * MboxException: why an mbox delivery failed, so that local delivery can report it in qmail-local's words
 * (MBOX-01 open, MBOX-02 lock held for the whole wait, MBOX-04 read of the message or write). Every kind is a
 * temporary failure.
 */
package dev.quail.persistence.mbox;

import java.io.IOException;

public final class MboxException extends IOException {
    /** The step that failed. */
    public enum Kind { OPEN, LOCKED, READ, WRITE }

    private final Kind kind;

    public MboxException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
