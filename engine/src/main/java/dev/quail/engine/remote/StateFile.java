package dev.quail.engine.remote;

import dev.quail.engine.log.MessageLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The small files the RemoteSpawn keeps in queue/ (tcpto, suspensions): written whole to a temporary file and
 * renamed over the old one, without fsync (what they hold only spares remote hosts some attempts, and a crash that
 * loses the last write costs a few), read back at start. A file that cannot be read or written is a warning in the
 * log, never a failure.
 */
final class StateFile {
    private StateFile() {}

    /** The file's lines; none when it does not exist or cannot be read. */
    static List<String> read(Path file) {
        if (!Files.exists(file)) return List.of();
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            MessageLog.warning("unable to read " + file + ": " + e.getMessage());
            return List.of();
        }
    }

    static void write(Path file, CharSequence text) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            MessageLog.warning("unable to write " + file + ": " + e.getMessage());
        }
    }
}
