/*
 * Maildrop: the spool `quail inject` (and `sendmail`) writes when the server
 * may not be running; the server picks the files up from new/ and queues them.
 *
 * A file is a qmail-queue envelope in text0 form (QQ-01, see Text0Envelope)
 * followed by the message bytes. write() is the inject side's commit point
 * (exit 0 only after it returns): tmp/<name> → fsync → rename into new/ →
 * fsync new/ (DurableFiles), so new/ only ever holds complete files.
 *
 * Names are <epoch micros, 16 digits>.<pid>.<counter>.<random hex>: unique
 * across processes (pid, and the random part against equal pids in separate
 * containers sharing the spool), made only of [A-Za-z0-9.] so they can serve as
 * message ids, and in time order when sorted as text (until the year 2286).
 *
 * read() streams: it parses the envelope (at most MAX_ENVELOPE_BYTES, else the file is corrupt) and hands back
 * the message as a stream over the rest of the file, so the server never holds a dropped message whole.
 *
 * remove() does not fsync new/: a removal lost in a crash only makes the server
 * queue the message again, a duplicate and never a loss (DESIGN "The one promise").
 */
package dev.quail.persistence.maildrop;

import dev.quail.persistence.DurableFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

public final class Maildrop {
    /** The largest envelope read: one beyond it makes the file corrupt (a recipient list, not a message). */
    public static final int MAX_ENVELOPE_BYTES = 16 << 20;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.]*");
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final long PID = ProcessHandle.current().pid();

    private final Path tmpDir;
    private final Path newDir;

    /** Uses {@code dir}, creating dir/tmp and dir/new if missing. */
    public Maildrop(Path dir) {
        this.tmpDir = dir.resolve("tmp");
        this.newDir = dir.resolve("new");
        try {
            Files.createDirectories(tmpDir);
            Files.createDirectories(newDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create maildrop " + dir, e);
        }
    }

    /** Stores the message durably and returns its name; IllegalArgumentException if an address holds NUL. */
    public String write(String sender, List<String> recipients, byte[]... message) throws IOException {
        byte[][] parts = new byte[message.length + 1][];
        parts[0] = Text0Envelope.encode(sender, recipients);
        System.arraycopy(message, 0, parts, 1, message.length);
        String name = uniqueName();
        DurableFiles.deliver(tmpDir.resolve(name), newDir.resolve(name), parts);
        return name;
    }

    /** The names of the files waiting in new/, oldest first. */
    public List<String> pending() throws IOException {
        try (Stream<Path> files = Files.list(newDir)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> NAME.matcher(name).matches())
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    /**
     * Opens one file of new/: its envelope, and its message as a stream positioned just after the envelope; close
     * the result. IOException naming the file if it is not a complete maildrop file.
     */
    public Dropped read(String name) throws IOException {
        Path file = fileOf(name);
        InputStream in = new BufferedInputStream(Files.newInputStream(file));
        try {
            long size = Files.size(file);
            Text0Envelope.Parsed envelope = Text0Envelope.decode(in, MAX_ENVELOPE_BYTES);
            return new Dropped(name, envelope.sender(), envelope.recipients(), size - envelope.length(), in);
        } catch (IllegalArgumentException e) {
            in.close();
            throw new IOException("corrupt maildrop file " + file + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** Removes a file once its message is safely queued elsewhere. */
    public void remove(String name) throws IOException {
        Files.delete(fileOf(name));
    }

    /** The directory new files appear in, for a WatchService. */
    public Path newDir() {
        return newDir;
    }

    private Path fileOf(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a maildrop name: " + name);
        }
        return newDir.resolve(name);
    }

    private static String uniqueName() {
        Instant now = Instant.now();
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
        return String.format("%016d.%d.%d.%08x", micros, PID, COUNTER.incrementAndGet(),
                ThreadLocalRandom.current().nextInt());
    }
}
