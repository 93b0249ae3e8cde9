package dev.quail.engine.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.engine.Home;
import dev.quail.persistence.maildrop.Dropped;
import dev.quail.persistence.maildrop.Maildrop;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QQ-02, QQ-04: what qmail-queue stores in the maildrop, and its codes for a missing home and a message too big. */
class MaildropQueueTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-03-05T04:06:07Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void theMessageGetsOneReceivedLineAndLandsInTheMaildrop() throws Exception {
        Home home = new Home(dir);
        MaildropQueue queue = new MaildropQueue(home, CLOCK);
        byte[] message = queue.read(new ByteArrayInputStream("Subject: hi\n\nbody\n".getBytes(StandardCharsets.UTF_8)));
        String id = queue.write(message, new QqEnvelope("joe@x.org", List.of("a@y.org")));

        try (Dropped dropped = new Maildrop(home.maildrop()).read(id)) {
            assertEquals("joe@x.org", dropped.sender());
            assertEquals(List.of("a@y.org"), dropped.recipients());
            String stored = new String(dropped.message().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(stored.matches("Received: \\(quail \\d+ invoked by uid \\d+\\); 5 Mar 2024 04:06:07 -0000\n"
                    + "Subject: hi\n\nbody\n"), stored);
        }
    }

    @Test
    void noHomeIsExit61() {
        MaildropQueue queue = new MaildropQueue(new Home(dir.resolve("missing")), CLOCK);
        QqException e = assertThrows(QqException.class,
                () -> queue.write(new byte[0], new QqEnvelope("", List.of("a@y.org"))));
        assertEquals(61, e.code());
    }

    @Test
    void aMessageBeyondTheBufferIsRefusedForGood() throws Exception {
        MaildropQueue queue = new MaildropQueue(new Home(dir), CLOCK, 1000);
        assertEquals(1000, queue.read(new ByteArrayInputStream(new byte[1000])).length, "at the limit");
        QqException e = assertThrows(QqException.class, () -> queue.read(new ByteArrayInputStream(new byte[1001])));
        assertEquals(31, e.code());
        assertTrue(e.permanent());
        assertEquals(0, Files.list(dir).count(), "nothing written");
    }
}
