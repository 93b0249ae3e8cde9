package dev.quail.engine.remote;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The SMTP peers a test starts, closed after it: {@code @RegisterExtension final Peers peers = new Peers();}. */
final class Peers implements AfterEachCallback {
    private final List<SmtpPeer> started = new ArrayList<>();

    SmtpPeer start(String... ips) throws IOException {
        SmtpPeer p = SmtpPeer.start(ips);
        started.add(p);
        return p;
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        for (SmtpPeer p : started) p.close();
        started.clear();
    }
}
