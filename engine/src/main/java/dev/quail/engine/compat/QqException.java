package dev.quail.engine.compat;

/**
 * A refusal with qmail-queue's exit code (QQ-04), so that every program with qmail-queue's interface (qmail-queue,
 * qmail-qmqpc) and every helper that queues (forward, condredirect, qreceipt) reports trouble in the same numbers
 * its callers already map to text (QQ-05). {@link #permanent()} is the callers' convention: 11–40 permanent,
 * everything else temporary.
 */
public final class QqException extends Exception {
    public static final int ADDRESS_TOO_LONG = 11;
    /** For replacements: the message is refused for good (here: larger than a queue program may buffer). */
    public static final int REFUSED = 31;
    public static final int NO_MEMORY = 51;
    public static final int TIMEOUT = 52;
    public static final int WRITE_ERROR = 53;
    public static final int READ_ERROR = 54;
    public static final int CONFIGURATION = 55;
    public static final int NETWORK = 56;
    public static final int NO_HOME = 61;
    public static final int NO_QUEUE = 62;
    public static final int REMOTE_TEMPORARY = 71;
    public static final int CONNECT_TIMEOUT = 72;
    public static final int CONNECT_REFUSED = 73;
    public static final int CONVERSATION_FAILED = 74;
    public static final int ENVELOPE_FORMAT = 91;

    private final int code;

    public QqException(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public int code() {
        return code;
    }

    public boolean permanent() {
        return permanent(code);
    }

    public static boolean permanent(int code) {
        return code >= 11 && code <= 40;
    }
}
