package dev.quail.engine.auth;

import dev.quail.persistence.DurableFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A file of secrets, one {@code key:value} line per account (users/passwords, users/admins, users/admintokens).
 * Keys compare case-insensitively. The file is replaced whole: a new file, created mode 0600 (never widened and
 * narrowed after, so no other account can open it even for an instant), fsync'd and renamed over the old one.
 */
public final class KeyedFile {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;

    public KeyedFile(Path file) {
        this.file = file;
    }

    /** Sets (or replaces) the value of {@code key}; a key holding ':' or a line end is refused. */
    public void put(String key, String value) throws IOException {
        String k = key(key);
        if (k.isEmpty() || k.indexOf(':') >= 0 || k.indexOf('\n') >= 0) throw new IllegalArgumentException("bad name");
        StringBuilder text = new StringBuilder();
        for (String line : lines()) if (!line.startsWith(k + ":")) text.append(line).append('\n');
        text.append(k).append(':').append(value).append('\n');
        Files.createDirectories(file.toAbsolutePath().getParent());
        // DurableFiles creates the file 0600; ".tmp" keeps the configuration watcher from reading it half-written.
        Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
        DurableFiles.deliver(tmp, file, text.toString().getBytes(StandardCharsets.UTF_8));
    }

    public Optional<String> get(String key) throws IOException {
        String k = key(key);
        for (String line : lines()) if (line.startsWith(k + ":")) return Optional.of(line.substring(k.length() + 1));
        return Optional.empty();
    }

    /** Every {@code key:value} line, comments and blank lines left out. */
    public List<String> lines() throws IOException {
        if (!Files.exists(file)) return List.of();
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank() && !line.startsWith("#")) out.add(line.strip());
        }
        return out;
    }

    private static String key(String key) {
        return key.strip().toLowerCase(Locale.ROOT);
    }
}
