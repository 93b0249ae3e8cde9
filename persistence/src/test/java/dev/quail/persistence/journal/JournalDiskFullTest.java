/*
 * A full disk, for real: the journal on an 8 MiB tmpfs (5 MiB of it taken by a filler file) is written until a
 * write fails, and then another program takes what space is left. Writes must fail (never be acknowledged), the
 * health must say so and the mail log carry one alert; once the space is freed the store must find out by itself
 * within 10 s, with nobody writing (the front ends refuse mail meanwhile), and log that it is ok again; and every write that was acknowledged, before or after, must be
 * there when the journal is opened anew.
 *
 * Mounting needs root: the test is skipped without it (CI runs as root, so it runs there).
 */
package dev.quail.persistence.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.quail.persistence.body.Body;
import dev.quail.persistence.body.BodyWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class JournalDiskFullTest {
    private static final int EVENT_BYTES = 4096;
    private static final String LONG_PID = "msg-" + "x".repeat(4000) + "-";

    @TempDir
    Path dir;

    private final Random random = new Random(1);
    private final Map<String, byte[]> acknowledged = new LinkedHashMap<>();
    private int next;

    /**
     * With no space kept free the writes run into the full disk inside LevelDB (a write cut short or ENOSPC, and
     * reopens): an event's keys (a long pid) weigh more than the payload the free-space check counts. With 1 MiB
     * kept free they are refused before that.
     */
    @ParameterizedTest(name = "{0} bytes kept free")
    @ValueSource(longs = {0, 1 << 20})
    void fullDiskFailsWritesAndTheStoreRecoversByItselfOnceSpaceIsBack(long minFree) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        Path disk = Files.createDirectories(dir.resolve("disk"));
        run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", disk.toString());
        ListAppender<ILoggingEvent> mailLog = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger("quail.send");
        Level level = logger.getLevel();
        logger.setLevel(Level.INFO);
        mailLog.start();
        logger.addAppender(mailLog);
        try {
            Path filler = disk.resolve("filler");
            Files.write(filler, new byte[5 << 20]);
            Path journal = disk.resolve("journal");
            JournalWriter.Limits limits = new JournalWriter.Limits(JournalWriter.Limits.DEFAULT.batchRequests(),
                    JournalWriter.Limits.DEFAULT.batchBytes(), minFree);
            try (JournalStore store = JournalStore.open(journal, true, limits)) {
                Throwable failure = null;
                while (failure == null && next < 10_000) {
                    failure = tryWrite(store);
                }
                assertNotNull(failure, "3 MiB of space never ran out");
                assertFalse(store.health().ok(), store.health().toString());
                Path otherProgram = disk.resolve("other");
                fill(otherProgram);
                assertNotNull(tryWrite(store), "a write to a full disk must fail");
                assertFalse(store.health().ok(), store.health().toString());

                Files.delete(filler);
                Files.delete(otherProgram);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!store.health().ok()) {
                    assertTrue(System.nanoTime() < deadline, "the store did not find out by itself within 10 s "
                            + "that the space came back: " + store.health());
                    Thread.sleep(20);
                }
                assertNull(tryWrite(store));
                assertBodyStoresAndReadsBack(store);
                for (int i = 0; i < 20; i++) {
                    assertNull(tryWrite(store));
                }
            }
            try (JournalStore reopened = JournalStore.open(journal, true)) {
                for (Map.Entry<String, byte[]> entry : acknowledged.entrySet()) {
                    List<byte[]> events = new ArrayList<>();
                    reopened.replay(entry.getKey(), 1, 1, 1, events::add);
                    assertEquals(1, events.size(), entry.getKey() + " was acknowledged and is lost");
                    assertArrayEquals(entry.getValue(), events.get(0), entry.getKey());
                }
            }
            assertEquals(List.of("alert: journal " + journal + " cannot write",
                    "journal ok again: " + journal), mailLog.list.stream()
                    .map(line -> line.getFormattedMessage().replaceFirst("(cannot write).*", "$1")).toList());
        } finally {
            logger.detachAppender(mailLog);
            logger.setLevel(level);
            run("umount", "--lazy", disk.toString());
        }
    }

    /** Writes the next event; null if it was acknowledged, else why it failed. */
    private Throwable tryWrite(JournalStore store) throws Exception {
        String pid = LONG_PID + next++;
        byte[] bytes = new byte[EVENT_BYTES];
        random.nextBytes(bytes);
        try {
            store.write(List.of(new JournalStore.Event(pid, 1, bytes))).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        acknowledged.put(pid, bytes);
        return null;
    }

    /** Writes {@code file} until the disk is full. */
    private static void fill(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] block = new byte[4096];
            while (true) {
                out.write(block);
            }
        } catch (IOException e) {
            assertTrue(e.getMessage().contains("No space left on device"), e.toString());
        }
    }

    private void assertBodyStoresAndReadsBack(JournalStore store) throws Exception {
        byte[] bytes = new byte[3 * 64 * 1024 + 10];
        random.nextBytes(bytes);
        BodyWriter writer = store.writer("msg-body");
        writer.write(bytes, 0, bytes.length).toCompletableFuture().get(10, TimeUnit.SECONDS);
        Body body = writer.finish();
        try (InputStream in = store.open("msg-body", body)) {
            assertArrayEquals(bytes, in.readAllBytes());
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).inheritIO().start();
        assertEquals(0, process.waitFor(), String.join(" ", command));
    }
}
