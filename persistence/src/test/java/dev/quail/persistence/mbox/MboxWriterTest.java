/*
 * MboxWriter (MBOX-01..04) and MboxFormat: mboxrd quoting, the final newline and empty line, mode 0600,
 * appending after what is there, the 30-second lock wait at its edge (scaled down), and write errors.
 */
package dev.quail.persistence.mbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MboxWriterTest {
    private static final byte[] HEAD = "From a@b.c Wed Jan 03 04:05:06 2024\nReturn-Path: <a@b.c>\n"
            .getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static InputStream stream(String s) {
        return new ByteArrayInputStream(ascii(s));
    }

    static Stream<Arguments> entries() {
        return Stream.of(
                Arguments.of("MBOX-03 a From line is quoted", "a\nFrom me\nb\n", "a\n>From me\nb\n\n"),
                Arguments.of("MBOX-03 >From gets one more >", ">From x\n>>From y\n", ">>From x\n>>>From y\n\n"),
                Arguments.of("MBOX-03 From without a space is not quoted", "Fromage\nFrom\n", "Fromage\nFrom\n\n"),
                Arguments.of("MBOX-03 > alone is not quoted", ">\n>> x\n", ">\n>> x\n\n"),
                Arguments.of("MBOX-03 a missing final newline is added", "x\nlast", "x\nlast\n\n"),
                Arguments.of("MBOX-03 an empty message is one empty line", "", "\n"),
                Arguments.of("MBOX-03 8-bit bytes pass unchanged", "caf\u00e9\n", "caf\u00e9\n\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void format(String rule, String message, String entry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MboxFormat.appendMessage(out, ascii(message));
        assertEquals(entry, out.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void mbox01CreatesTheFileMode0600AndAppends() throws IOException {
        Path mbox = dir.resolve("Mailbox");
        MboxWriter writer = new MboxWriter(Duration.ofSeconds(30));
        writer.deliver(mbox, HEAD, stream("Subject: one\n\nbody\n"));
        writer.deliver(mbox, HEAD, stream("Subject: two\n\nFrom here\n"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(mbox)));
        String text = Files.readString(mbox, StandardCharsets.ISO_8859_1);
        String head = new String(HEAD, StandardCharsets.ISO_8859_1);
        assertEquals(head + "Subject: one\n\nbody\n\n" + head + "Subject: two\n\n>From here\n\n", text);
    }

    @Test
    void mbox01AnUnopenableFileIsAnOpenFailure() {
        MboxException e = assertThrows(MboxException.class, () -> new MboxWriter(Duration.ofSeconds(1))
                .deliver(dir.resolve("missing-dir").resolve("Mailbox"), HEAD, stream("x\n")));
        assertEquals(MboxException.Kind.OPEN, e.kind());
        assertEquals("file does not exist", e.getMessage());
    }

    @Test
    void mbox02WaitsForTheLockUpToTheLimitThenGivesUp() throws IOException {
        Path mbox = dir.resolve("Mailbox");
        Duration wait = Duration.ofMillis(400);
        try (FileChannel other = FileChannel.open(mbox, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = other.lock()) {
            long start = System.nanoTime();
            MboxException e = assertThrows(MboxException.class,
                    () -> new MboxWriter(wait).deliver(mbox, HEAD, stream("x\n")));
            assertEquals(MboxException.Kind.LOCKED, e.kind());
            assertTrue(System.nanoTime() - start >= wait.toNanos(), "gave up before the limit");
            assertTrue(held.isValid());
        }
        assertEquals(0, Files.size(mbox), "nothing written while locked");
    }

    @Test
    void mbox02ALockReleasedWithinTheLimitIsTaken() throws Exception {
        Path mbox = dir.resolve("Mailbox");
        FileChannel other = FileChannel.open(mbox, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        other.lock();
        CompletableFuture<Void> delivery = CompletableFuture.runAsync(() -> {
            try {
                new MboxWriter(Duration.ofSeconds(5)).deliver(mbox, HEAD, stream("x\n"));
            } catch (MboxException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertEquals(0, Files.size(mbox));
        other.close();
        delivery.get();
        assertTrue(Files.readString(mbox).endsWith("x\n\n"));
    }

    @Test
    void mbox04AWriteErrorIsReported() {
        Path full = Path.of("/dev/full");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(full), "needs /dev/full");
        MboxException e = assertThrows(MboxException.class,
                () -> new MboxWriter(Duration.ofSeconds(1)).deliver(full, HEAD, stream("x\n")));
        assertEquals(MboxException.Kind.WRITE, e.kind());
    }

    @Test
    void mbox04AMessageThatCannotBeReadIsTakenBackOut() throws IOException {
        Path mbox = dir.resolve("Mailbox");
        MboxWriter writer = new MboxWriter(Duration.ofSeconds(1));
        writer.deliver(mbox, HEAD, stream("first\n"));
        long before = Files.size(mbox);
        InputStream failing = new SequenceInputStream(stream("From a part\n".repeat(20_000)), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("chunk 3 is missing");
            }
        });
        MboxException e = assertThrows(MboxException.class, () -> writer.deliver(mbox, HEAD, failing));
        assertEquals(MboxException.Kind.READ, e.kind());
        assertEquals(before, Files.size(mbox), "truncated back to what was there");
    }

    @Test
    void mbox03AMessageLargerThanTheBuffersIsQuotedWhole() throws IOException {
        Path mbox = dir.resolve("Mailbox");
        String message = ">>From x\nFrom y\nplain\n".repeat(50_000);
        new MboxWriter(Duration.ofSeconds(1)).deliver(mbox, HEAD, stream(message));
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(HEAD);
        MboxFormat.appendMessage(expected, ascii(message));
        assertEquals(expected.toString(StandardCharsets.ISO_8859_1), Files.readString(mbox, StandardCharsets.ISO_8859_1));
    }
}
