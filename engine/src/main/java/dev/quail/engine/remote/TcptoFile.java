package dev.quail.engine.remote;

import dev.quail.config.IpLiteral;
import dev.quail.engine.log.MessageLog;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * queue/tcpto, qmail's file of downed hosts: one line per mark, {@code ip count lastMillis site} (a site's key may
 * hold spaces: it is the rest of the line). A {@link StateFile}: a mark lost to a crash only means one more connection
 * attempt to a host that is down. Read at start; a line that does not parse is skipped with a warning.
 */
final class TcptoFile {
    private TcptoFile() {}

    static void load(Path file, Function<String, DownedHosts> tables) {
        for (String line : StateFile.read(file)) {
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
        StateFile.write(file, b);
    }
}
