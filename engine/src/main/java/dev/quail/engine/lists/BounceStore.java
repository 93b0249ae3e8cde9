package dev.quail.engine.lists;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A list's bouncing members, one small file each in {@code bounce/} (named by a hash of the address, as idx's
 * h-files are), replaced through {@link AtomicFile}: a member's bounce count, when the first bounce came, and where
 * it stands in ezmlm-warn's cycle. Only bouncing members have a file, so the directory stays small whatever the
 * list's size. Callers hold the list's lock for changes.
 */
public final class BounceStore {
    /** Where a member stands: bounced, sent a warning, the warning bounced, sent a probe (EZ-33). */
    public enum State {
        BOUNCING("bouncing"), WARNED("warned"), WARN_BOUNCED("warning bounced"), PROBED("probed");

        public final String shown;

        State(String shown) {
            this.shown = shown;
        }
    }

    /**
     * One member's record: {@code first} the first bounce and {@code since} the last change of state, in epoch
     * seconds; {@code status} the last counted bounce's RFC 3463 code, or "" when it gave none.
     */
    public record Record(String member, long first, long count, State state, long since, String status) {
        Record moved(State to, long now) {
            return new Record(member, first, count, to, now, status);
        }
    }

    private final Path dir;

    BounceStore(Path dir) {
        this.dir = dir;
    }

    public Optional<Record> get(String member) throws IOException {
        return read(file(member));
    }

    public void put(Record r) throws IOException {
        Files.createDirectories(dir);
        AtomicFile.replace(file(r.member()), out -> out.write((r.member() + "\n" + r.first() + "\n" + r.count() + "\n"
                + r.state().name() + "\n" + r.since() + "\n" + r.status() + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    public void remove(String member) throws IOException {
        if (Files.deleteIfExists(file(member))) AtomicFile.syncDirectory(dir);
    }

    /** Every record; a file a crash left unfinished ({@code .new}) or that cannot be read is skipped. */
    public List<Record> all() throws IOException {
        List<Record> records = new ArrayList<>();
        if (!Files.isDirectory(dir)) return records;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "h*")) {
            for (Path f : files) {
                if (!f.getFileName().toString().endsWith(".new")) read(f).ifPresent(records::add);
            }
        }
        return records;
    }

    private static Optional<Record> read(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Record(lines.get(0), Long.parseLong(lines.get(1)), Long.parseLong(lines.get(2)),
                    State.valueOf(lines.get(3)), Long.parseLong(lines.get(4)), lines.get(5)));
        } catch (RuntimeException damaged) {
            return Optional.empty(); // not a record this code wrote; the member's next bounce starts a new one
        }
    }

    private Path file(String member) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(Member.key(member).getBytes(StandardCharsets.UTF_8));
            return dir.resolve("h" + HexFormat.of().formatHex(hash, 0, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
