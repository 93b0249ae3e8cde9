package dev.quail.engine.local;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The message as one .qmail instruction reads it from the body store, remembering whether a read failed: a store
 * that cannot give the message is qmail-local's "Unable to read message." (temporary), told apart from a mailbox
 * that cannot be written, and a program fed a message cut short by it has not had the message, whatever it exits
 * with.
 */
final class MessageInput extends FilterInputStream {
    static final String UNREADABLE = "Unable to read message. (#4.3.0)";

    private volatile boolean failed;

    MessageInput(InputStream in) {
        super(in);
    }

    boolean failed() {
        return failed;
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (IOException e) {
            failed = true;
            throw e;
        }
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        try {
            return super.read(into, offset, length);
        } catch (IOException e) {
            failed = true;
            throw e;
        }
    }
}
