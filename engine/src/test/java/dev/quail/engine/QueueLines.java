package dev.quail.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** QQ-02, SMTP-41: the queue's Received line on top of a stored message. */
public final class QueueLines {
    private QueueLines() {}

    /** Asserts {@code stored} starts with queue id {@code id}'s line saying {@code how}; returns what follows. */
    public static String after(String stored, String id, String how) {
        String first = stored.substring(0, stored.indexOf('\n') + 1);
        assertTrue(first.matches("Received: \\(quail " + id + " " + how + "\\); \\d{1,2} [A-Z][a-z]{2} \\d{4} "
                + "\\d\\d:\\d\\d:\\d\\d -0000\n"), first);
        return stored.substring(first.length());
    }
}
