package dev.quail.engine.delivery;

import java.nio.file.Path;
import java.util.Map;

/**
 * What every program the server runs gets besides its own variables (a |program delivery, a control/qmailqueue
 * program): Quail's bin/ first on its PATH, as qmail's users relied on /var/qmail/bin (so `|preline procmail` or
 * `|condredirect ...` need no full path), and QUAIL_HOME, where forward, condredirect, qreceipt and qmail-queue
 * queue. The launcher says where bin/ is (QUAIL_BIN).
 */
public final class QuailPrograms {
    private QuailPrograms() {}

    public static Map<String, String> environment(Path home, Map<String, String> server) {
        String path = server.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        String bin = server.get("QUAIL_BIN");
        return Map.of("QUAIL_HOME", home.toString(), "PATH", bin == null ? path : bin + ":" + path);
    }
}
