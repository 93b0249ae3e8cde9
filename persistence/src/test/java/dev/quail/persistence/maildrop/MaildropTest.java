/*
 * Maildrop: what `quail inject` writes comes back intact (QQ-01 envelope plus
 * message), in the order written, the message as a stream after the envelope;
 * a damaged file, or an envelope beyond its bound, is reported, not guessed at.
 */
package dev.quail.persistence.maildrop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaildropTest {
    @TempDir
    Path dir;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The file's envelope and message, the message read to its end. */
    private record Read(String name, String sender, List<String> recipients, long size, String message) {
    }

    private static Read read(Maildrop drop, String name) throws IOException {
        try (Dropped dropped = drop.read(name)) {
            return new Read(dropped.name(), dropped.sender(), dropped.recipients(), dropped.messageSize(),
                    new String(dropped.message().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void writtenMessageReadsBackWithItsEnvelope() throws Exception {
        Maildrop drop = new Maildrop(dir.resolve("maildrop"));
        String message = "Subject: hi\n\nbody with a \0 NUL and no final newline";
        String name = drop.write("alice@example.com", List.of("bob@example.org", "δοκιμή@例子.广告"), bytes(message));
        assertTrue(name.matches("[A-Za-z0-9.]+"), name);
        assertEquals(List.of(name), drop.pending());
        assertEquals(new Read(name, "alice@example.com", List.of("bob@example.org", "δοκιμή@例子.广告"),
                bytes(message).length, message), read(drop, name));
        assertEquals(List.of(), list(dir.resolve("maildrop/tmp")));
    }

    @Test
    void largeMessageStreamsBackByteForByte() throws Exception {
        Maildrop drop = new Maildrop(dir);
        byte[] message = new byte[5 << 20];
        new Random(1).nextBytes(message);
        String name = drop.write("s@x", List.of("r@y"), message);
        try (Dropped dropped = drop.read(name)) {
            assertEquals(message.length, dropped.messageSize());
            byte[] start = dropped.message().readNBytes(100);
            assertArrayEquals(Arrays.copyOf(message, 100), start);
            assertArrayEquals(Arrays.copyOfRange(message, 100, message.length), dropped.message().readAllBytes());
        }
    }

    @Test
    void qq01FileIsTheText0EnvelopeThenTheMessage() throws Exception {
        Maildrop drop = new Maildrop(dir);
        String name = drop.write("", List.of("a@x", "b@y"), bytes("M"));
        assertEquals("F\0Ta@x\0Tb@y\0\0M",
                new String(Files.readAllBytes(drop.newDir().resolve(name)), StandardCharsets.UTF_8));
    }

    @Test
    void bounceSenderAndNoRecipientsRoundTrip() throws Exception {
        Maildrop drop = new Maildrop(dir);
        String name = drop.write("", List.of(), new byte[0]);
        assertEquals(new Read(name, "", List.of(), 0, ""), read(drop, name));
    }

    @Test
    void pendingListsOldestFirstAndRemoveTakesOneOut() throws Exception {
        Maildrop drop = new Maildrop(dir);
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            written.add(drop.write("s@x", List.of("r@y"), bytes("message " + i)));
        }
        assertEquals(written, drop.pending());
        drop.remove(written.get(3));
        written.remove(3);
        assertEquals(written, drop.pending());
        for (int i = 0; i < written.size(); i++) {
            assertEquals("message " + (i < 3 ? i : i + 1), read(drop, written.get(i)).message());
        }
    }

    @Test
    void qq01TruncatedOrMalformedFilesAreReportedAsCorrupt() throws Exception {
        Maildrop drop = new Maildrop(dir);
        String[] corrupt = {"", "Fsender", "Fs\0Tr@x\0", "Fs\0Tr@x", "Fs\0Xr@x\0\0body", "Ts\0\0body"};
        for (int i = 0; i < corrupt.length; i++) {
            String name = "0000000000000000.1." + i;
            Files.write(drop.newDir().resolve(name), bytes(corrupt[i]));
            IOException error = assertThrows(IOException.class, () -> drop.read(name));
            assertTrue(error.getMessage().startsWith("corrupt maildrop file"), error.getMessage());
            assertTrue(error.getMessage().contains(name), error.getMessage());
        }
        String shortest = "0000000000000000.2.0";
        Files.write(drop.newDir().resolve(shortest), bytes("F\0\0"));
        assertEquals(new Read(shortest, "", List.of(), 0, ""), read(drop, shortest));
    }

    @Test
    void envelopeUpToItsBoundReadsAndOneBeyondIsCorrupt() throws Exception {
        Maildrop drop = new Maildrop(dir);
        // F, the sender, its NUL, the final NUL: the sender takes all but three bytes of the bound.
        String sender = "s".repeat(Maildrop.MAX_ENVELOPE_BYTES - 3);
        String fits = "0000000000000000.3.0";
        Files.write(drop.newDir().resolve(fits), bytes("F" + sender + "\0\0message"));
        assertEquals(new Read(fits, sender, List.of(), 7, "message"), read(drop, fits));

        String tooLong = "0000000000000000.3.1";
        Files.write(drop.newDir().resolve(tooLong), bytes("F" + sender + "s\0\0message"));
        IOException error = assertThrows(IOException.class, () -> drop.read(tooLong));
        assertTrue(error.getMessage().startsWith("corrupt maildrop file"), error.getMessage());
        assertTrue(error.getMessage().contains("envelope longer than " + Maildrop.MAX_ENVELOPE_BYTES),
                error.getMessage());
    }

    @Test
    void addressWithAControlCharacterIsRefusedAndLeavesNoFile() throws Exception {
        Maildrop drop = new Maildrop(dir);
        assertThrows(IllegalArgumentException.class, () -> drop.write("s@x", List.of("r\0@y"), bytes("m")));
        assertThrows(IllegalArgumentException.class,
                () -> drop.write("x\r\nRCPT TO:<victim@external.example>\r\nX@y", List.of("r@y"), bytes("m")));
        assertThrows(IllegalArgumentException.class, () -> drop.write("s@x", List.of("r\t@y"), bytes("m")));
        assertEquals(List.of(), drop.pending());
        assertEquals(List.of(), list(dir.resolve("tmp")));
    }

    @Test
    void namesThatCouldEscapeTheSpoolAreRefused() throws Exception {
        Maildrop drop = new Maildrop(dir);
        Files.writeString(drop.newDir().resolve(".hidden"), "x");
        assertEquals(List.of(), drop.pending());
        assertThrows(IllegalArgumentException.class, () -> drop.read("../tmp"));
        assertThrows(IllegalArgumentException.class, () -> drop.remove(".hidden"));
    }

    private static List<String> list(Path path) throws IOException {
        try (Stream<Path> files = Files.list(path)) {
            return files.map(file -> file.getFileName().toString()).toList();
        }
    }
}
