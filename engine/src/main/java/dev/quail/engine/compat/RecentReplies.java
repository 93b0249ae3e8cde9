package dev.quail.engine.compat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Who an autoresponder answered lately: one file per sender in its directory's {@code sent/} (named by a hash of
 * the address, so no sender can name a path; holding the address for an admin who looks), its time the answer's.
 * A sender is answered at most once per {@code every} (RFC 3834: not again within days). The claim is an exclusive
 * file creation, so two deliveries at once from one sender answer once; a claim whose answer could not be queued is
 * given back. Old files are removed when a new claim is made, so the directory holds at most the senders of one
 * period.
 */
public final class RecentReplies {
    private final Path dir;
    private final Duration every;

    public RecentReplies(Path autoresponder, Duration every) {
        this.dir = autoresponder.resolve("sent");
        this.every = every;
    }

    /** True when {@code sender} may be answered now; the answer is then claimed until {@link #release}. */
    public boolean claim(String sender, Instant now) throws IOException {
        Files.createDirectories(dir);
        Path file = file(sender);
        if (Files.exists(file) && Files.getLastModifiedTime(file).toInstant().isAfter(now.minus(every))) return false;
        forgetOlderThan(now.minus(every));
        try {
            Files.writeString(Files.createFile(file), sender + "\n", StandardCharsets.UTF_8);
        } catch (FileAlreadyExistsException answeredMeanwhile) {
            return false;
        }
        Files.setLastModifiedTime(file, FileTime.from(now));
        return true;
    }

    /** The answer claimed for {@code sender} was not sent: the next message from it may try again. */
    public void release(String sender) throws IOException {
        Files.deleteIfExists(file(sender));
    }

    private void forgetOlderThan(Instant limit) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (!Files.getLastModifiedTime(f).toInstant().isAfter(limit)) Files.deleteIfExists(f);
            }
        }
    }

    private Path file(String sender) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(sender.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return dir.resolve(HexFormat.of().formatHex(hash, 0, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
