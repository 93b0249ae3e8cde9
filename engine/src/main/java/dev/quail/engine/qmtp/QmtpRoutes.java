package dev.quail.engine.qmtp;

import dev.quail.config.ControlFiles;
import dev.quail.config.Routes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * control/qmtproutes, as the qmail QMTP patches read it: {@code domain:relay[:port]} lines with smtproutes'
 * syntax and lookup (REM-01: the whole host, each parent suffix from '.', then the empty key), naming the hosts
 * that take a domain's mail over QMTP. The port defaults to 209, QMTP's. An empty relay means "not over QMTP":
 * the domain goes by SMTP as usual, which lets one line except a subdomain from a broader QMTP route.
 */
public final class QmtpRoutes {
    public static final int DEFAULT_PORT = 209;

    private final Routes routes;

    private QmtpRoutes(Routes routes) {
        this.routes = routes;
    }

    /** A missing file routes nothing over QMTP. */
    public static QmtpRoutes load(Path file) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        ControlFiles.map(file).forEach((domain, relay) -> entries.put(domain, withPort(relay)));
        return new QmtpRoutes(new Routes(entries));
    }

    /** The QMTP relay for mail to {@code host}, or empty for SMTP. */
    public Optional<Routes.Relay> lookup(String host) {
        return routes.lookup(host);
    }

    /** smtproutes' parser defaults to port 25: give a relay without a port QMTP's. */
    private static String withPort(String relay) {
        if (relay.isEmpty()) return relay;
        boolean hasPort = relay.startsWith("[") ? relay.contains("]:") : relay.indexOf(':') >= 0;
        return hasPort ? relay : relay + ":" + DEFAULT_PORT;
    }
}
