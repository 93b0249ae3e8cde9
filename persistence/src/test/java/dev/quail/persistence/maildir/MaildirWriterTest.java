/*
 * MaildirWriter (MD-02..MD-06): the message lands in new/ byte for byte, streamed
 * from its InputStream, under a unique modern-form name, never in place of a file
 * already there, and tmp/ is left empty whether delivery succeeds or fails.
 */
package dev.quail.persistence.maildir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.persistence.DurableFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaildirWriterTest {
    @TempDir
    Path root;

    private static final byte[] HEAD = "Return-Path: <a@example.com>\nDelivered-To: bob@example.org\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BODY = "Subject: test\n\nno trailing newline".getBytes(StandardCharsets.US_ASCII);

    private Path maildir() throws IOException {
        Path dir = root.resolve("Maildir");
        Maildir.make(dir);
        return dir;
    }

    private static InputStream body() {
        return new ByteArrayInputStream(BODY);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).toList();
        }
    }

    @Test
    void md03HeadThenRawBodyAppearInNewExactly() throws Exception {
        Path maildir = maildir();
        String name = new MaildirWriter("mx.example.org").deliver(maildir, HEAD, body());
        Path delivered = maildir.resolve("new").resolve(name);
        byte[] expected = new byte[HEAD.length + BODY.length];
        System.arraycopy(HEAD, 0, expected, 0, HEAD.length);
        System.arraycopy(BODY, 0, expected, HEAD.length, BODY.length);
        assertArrayEquals(expected, Files.readAllBytes(delivered));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(delivered)));
        assertEquals(List.of(), names(maildir.resolve("tmp")));
        assertEquals(List.of(), names(maildir.resolve("cur")));
    }

    @Test
    void nameIsTheModernFormWithTheHostEscaped() throws Exception {
        String name = new MaildirWriter("odd/host:name").deliver(maildir(), HEAD, body());
        assertTrue(name.matches("\\d+\\.M\\d{1,6}P\\d+Q\\d+R[0-9a-f]{16}\\.odd\\\\057host\\\\072name"), name);
    }

    @Test
    void md04FailureLeavesNothingInTmp() throws Exception {
        Path maildir = maildir();
        Files.delete(maildir.resolve("new"));
        assertThrows(IOException.class, () -> new MaildirWriter("mx").deliver(maildir, HEAD, body()));
        assertEquals(List.of(), names(maildir.resolve("tmp")));
    }

    @Test
    void md01MissingMaildirFails() {
        assertThrows(IOException.class, () -> new MaildirWriter("mx").deliver(root.resolve("none"), HEAD, body()));
    }

    @Test
    void md06ConcurrentDeliveriesGetDistinctFiles() throws Exception {
        Path maildir = maildir();
        MaildirWriter first = new MaildirWriter("mx");
        MaildirWriter second = new MaildirWriter("mx");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> names = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                byte[] body = ("message " + i).getBytes(StandardCharsets.US_ASCII);
                MaildirWriter writer = i % 2 == 0 ? first : second;
                names.add(pool.submit(() -> writer.deliver(maildir, HEAD, new ByteArrayInputStream(body))));
            }
            Set<String> unique = new HashSet<>();
            for (Future<String> name : names) {
                unique.add(name.get());
            }
            assertEquals(400, unique.size());
            assertEquals(unique, new HashSet<>(names(maildir.resolve("new"))));
            assertEquals(List.of(), names(maildir.resolve("tmp")));
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void md03ABodyLargerThanTheBufferIsCopiedAsItIsRead() throws Exception {
        Path maildir = maildir();
        byte[] big = new byte[5_000_000];
        new Random(3).nextBytes(big);
        String name = new MaildirWriter("mx").deliver(maildir, HEAD, new ByteArrayInputStream(big));
        byte[] delivered = Files.readAllBytes(maildir.resolve("new").resolve(name));
        assertArrayEquals(big, Arrays.copyOfRange(delivered, HEAD.length, delivered.length));
    }

    @Test
    void md04ABodyThatCannotBeReadLeavesNothing() throws Exception {
        Path maildir = maildir();
        InputStream failing = new SequenceInputStream(body(), new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("chunk missing");
            }
        });
        assertThrows(IOException.class, () -> new MaildirWriter("mx").deliver(maildir, HEAD, failing));
        assertEquals(List.of(), names(maildir.resolve("tmp")));
        assertEquals(List.of(), names(maildir.resolve("new")));
    }

    @Test
    void md04AFileAlreadyAtTheNameIsNeverReplaced() throws Exception {
        Path maildir = maildir();
        Path taken = Files.writeString(maildir.resolve("new").resolve("taken"), "the first message\n");
        assertThrows(FileAlreadyExistsException.class, () -> DurableFiles.deliverNew(
                maildir.resolve("tmp").resolve("taken"), taken, HEAD, body()));
        assertEquals("the first message\n", Files.readString(taken));
        assertEquals(List.of(), names(maildir.resolve("tmp")));
    }
}
