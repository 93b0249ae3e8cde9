package dev.quail.engine.lists;

import dev.quail.config.ControlFiles;
import dev.quail.config.ControlWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One list's directory, {@code lists/DOMAIN/LIST/}, with ezmlm's file names (EZ-09) where ezmlm has one:
 * <pre>
 *   outlocal, outhost   the list's name (written at create, for an admin reading the directory)
 *   owner               where LIST-owner@ goes (one address; none: the postmaster)
 *   subpostonly         flag: only subscribers may post
 *   modpost             flag: posts wait for the moderator (the owner) in mod/pending/
 *   key                 32 bytes from a CSPRNG, mode 0600: the key of every cookie and unsubscribe token
 *   num                 the number of the last post
 *   archive/M/NN        post M*100+NN as distributed
 *   subscribers/        the members (see {@link Subscribers})
 *   bounce/             bouncing members (see {@link BounceStore})
 *   Log                 one line per change: time, +/-, address (EZ-19)
 *   lock                held (flock) while anything above changes
 *   url                 (Quail) the one-click unsubscribe base, default https://DOMAIN
 *   bouncetimeout       (Quail) seconds of ezmlm-warn's timeout, default 864000 (10 days, idx)
 * </pre>
 */
public final class MailingList {
    public static final Duration DEFAULT_BOUNCE_TIMEOUT = Duration.ofDays(10);
    private static final int KEY_BYTES = 32;
    private static final Set<java.nio.file.attribute.PosixFilePermission> OWNER_ONLY =
            PosixFilePermissions.fromString("rw-------");
    /** The lock file serialises processes (the CLI and the server); this serialises threads of one process. */
    private static final ConcurrentHashMap<Path, ReentrantLock> THREADS = new ConcurrentHashMap<>();

    /** What {@link #locked} runs while it holds the list's lock. */
    public interface Locked<T> {
        T run() throws IOException;
    }

    private final ListAddress name;
    private final Path dir;

    MailingList(ListAddress name, Path dir) {
        this.name = name;
        this.dir = dir;
    }

    public ListAddress name() { return name; }

    public Path dir() { return dir; }

    public Subscribers subscribers() { return new Subscribers(dir.resolve("subscribers")); }

    public BounceStore bounces() { return new BounceStore(dir.resolve("bounce")); }

    public Optional<String> owner() throws IOException {
        return ControlFiles.list(dir.resolve("owner")).stream().findFirst();
    }

    public boolean subscribersOnly() { return Files.exists(dir.resolve("subpostonly")); }

    public boolean moderated() { return Files.exists(dir.resolve("modpost")); }

    /** Where one-click unsubscribe URLs point, without a trailing '/'. */
    public String url() throws IOException {
        String url = ControlFiles.list(dir.resolve("url")).stream().findFirst().orElse("https://" + name.domain());
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    public Duration bounceTimeout() throws IOException {
        Optional<String> s = ControlFiles.list(dir.resolve("bouncetimeout")).stream().findFirst();
        if (s.isEmpty()) return DEFAULT_BOUNCE_TIMEOUT;
        try {
            long seconds = Long.parseLong(s.get().trim());
            if (seconds >= 1) return Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            // falls through to the default, as a qmail control file with junk in it does
        }
        return DEFAULT_BOUNCE_TIMEOUT;
    }

    public long lastNumber() throws IOException {
        List<String> lines = ControlFiles.list(dir.resolve("num"));
        if (lines.isEmpty()) return 0;
        String n = lines.get(0);
        int colon = n.indexOf(':'); // idx writes N:S
        return Long.parseLong((colon < 0 ? n : n.substring(0, colon)).trim());
    }

    void setLastNumber(long n) throws IOException {
        ControlWriter.write(dir.resolve("num"), List.of(Long.toString(n)));
    }

    /** Post n's archive file, ezmlm's {@code archive/<n div 100>/<n mod 100, two digits>}. */
    public Path archive(long n) {
        return dir.resolve("archive").resolve(Long.toString(n / 100)).resolve(String.format("%02d", n % 100));
    }

    public byte[] key() throws IOException {
        return Files.readAllBytes(dir.resolve("key"));
    }

    /** Appends a line to Log; like ezmlm's, not fsynced (it is a record for people, not state). */
    void log(String event, String address) {
        String line = System.currentTimeMillis() / 1000 + " " + event + " " + address + "\n";
        try {
            Files.writeString(dir.resolve("Log"), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the change itself is done and durable; only its note is missing
        }
    }

    /** Adds members (durably, under the lock) and logs each one added with {@code event}; returns those. */
    public List<String> subscribe(List<String> members, String event) throws IOException {
        return locked(() -> {
            List<String> added = subscribers().add(members);
            for (String m : added) log(event, m);
            return added;
        });
    }

    /** Removes members and their bounce records; returns those removed. */
    public List<String> unsubscribe(List<String> members, String event) throws IOException {
        return locked(() -> {
            List<String> removed = subscribers().remove(members);
            for (String m : removed) {
                log(event, m);
                bounces().remove(m);
            }
            return removed;
        });
    }

    /** Runs {@code work} holding the list's lock, against other threads and other processes. */
    public <T> T locked(Locked<T> work) throws IOException {
        ReentrantLock threads = THREADS.computeIfAbsent(dir, d -> new ReentrantLock());
        threads.lock();
        try (FileChannel lock = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = lock.lock()) {
            return work.run();
        } finally {
            threads.unlock();
        }
    }

    /** Creates the directory's files for a new list. */
    static void initialise(ListAddress name, Path dir, Optional<String> owner, boolean moderated,
                           boolean subscribersOnly) throws IOException {
        Files.createDirectories(dir.resolve("subscribers"));
        Files.createDirectories(dir.resolve("archive"));
        Files.createDirectories(dir.resolve("bounce"));
        ControlWriter.write(dir.resolve("outlocal"), List.of(name.local()));
        ControlWriter.write(dir.resolve("outhost"), List.of(name.domain()));
        if (owner.isPresent()) ControlWriter.write(dir.resolve("owner"), List.of(owner.get()));
        if (subscribersOnly) ControlWriter.write(dir.resolve("subpostonly"), List.of());
        if (moderated) ControlWriter.write(dir.resolve("modpost"), List.of());
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        // Created 0600 before a byte is in it, so the key is never readable by others, not even for a moment.
        try (FileChannel out = FileChannel.open(dir.resolve("key"), Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
            out.write(ByteBuffer.wrap(key));
            out.force(true);
        }
    }
}
