package dev.quail.engine.remote;

import dev.quail.config.IpLiteral;
import dev.quail.engine.log.MessageLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * queue/tcpto, qmail's file of downed hosts: one line per mark, {@code ip count lastMillis destination} (a
 * destination key may hold spaces: it is the rest of the line). Written
 * whole to a temporary file and renamed over the old one, without fsync: a mark lost to a crash only means one more
 * connection attempt to a host that is down. Read at start; a line that does not parse is skipped with a warning.
 */
final class TcptoFile {
    private TcptoFile() {}

    static void load(Path file, Function<String, DownedHosts> tables) {
        if (!Files.exists(file)) return;
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            MessageLog.warning("unable to read " + file + ": " + e.getMessage());
            return;
        }
        for (String line : lines) {
            String[] f = line.split(" ", 4);
            try {
                if (f.length != 4 || IpLiteral.parse(f[0]).isEmpty()) throw new IllegalArgumentException(line);
                tables.apply(f[3]).restore(IpLiteral.parse(f[0]).get(), Integer.parseInt(f[1]), Long.parseLong(f[2]));
            } catch (IllegalArgumentException e) {
                MessageLog.warning("ignored a bad line in " + file + ": " + line);
            }
        }
    }

    static void save(Path file, Map<String, DownedHosts> tables) {
        StringBuilder b = new StringBuilder();
        tables.forEach((destination, table) -> {
            for (RemoteSpawn.DownedHost h : table.list(destination)) {
                b.append(h.ip()).append(' ').append(h.count()).append(' ').append(h.lastTimeoutMillis()).append(' ')
                        .append(destination).append('\n');
            }
        });
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, b, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            MessageLog.warning("unable to write " + file + ": " + e.getMessage());
        }
    }
}
