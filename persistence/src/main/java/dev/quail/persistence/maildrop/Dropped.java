/*
 * Dropped: one message read back from the maildrop: its file name (usable as a message id), envelope sender ("" for
 * a bounce), recipients, and the message itself as a stream over the rest of the file, read as it is consumed
 * (messageSize bytes), so a large message is never held whole. It holds the file open: close it.
 */
package dev.quail.persistence.maildrop;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;

public record Dropped(String name, String sender, List<String> recipients, long messageSize, InputStream message)
        implements Closeable {
    public Dropped {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sender, "sender");
        recipients = List.copyOf(recipients);
        Objects.requireNonNull(message, "message");
    }

    @Override
    public void close() throws IOException {
        message.close();
    }

    @Override
    public String toString() {
        return "Dropped[name=" + name + ", sender=<" + sender + ">, recipients=" + recipients + ", message="
                + messageSize + " bytes]";
    }
}
