package dev.quail.engine;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.quail.engine.queue.Ids;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;

/** Throw-away homes and an in-memory journal for actor tests. */
public final class TestHomes {
    private TestHomes() {}

    /** A home with the given control files (name → content). */
    public static Controls controls(Map<String, String> files) throws IOException {
        Path dir = Files.createTempDirectory("quail-test-home");
        Home home = new Home(dir);
        home.ensureDirectories();
        Files.writeString(home.control("me"), "test.example\n");
        Files.writeString(home.control("locals"), "localhost\ntest.example\n");
        for (var e : files.entrySet()) Files.writeString(home.control(e.getKey()), e.getValue());
        return new Controls(home);
    }

    /** A message-id counter of its own, in a throw-away directory. */
    public static Ids ids() throws IOException {
        return Ids.open(Files.createTempDirectory("quail-test-ids").resolve("ids"), "");
    }

    /** A slot in a listener of its own, far from full (never under stress), for tests of one connection's edge. */
    public static Admission.Ticket ticket() {
        return new Admission(System::currentTimeMillis).admit(InetAddress.getLoopbackAddress(), 1000, 1000)
                .orElseThrow();
    }

    /** Pekko's PersistenceTestKit journal instead of LevelDB, so tests can inject journal failures. */
    public static Config persistenceTestKit() {
        return PersistenceTestKitPlugin.getInstance().config()
                .withFallback(ConfigFactory.parseString(
                        "pekko.persistence.snapshot-store.plugin = \"pekko.persistence.no-snapshot-store\"\n"
                                + "pekko.loglevel = WARNING"))
                .withFallback(ConfigFactory.load());
    }
}
