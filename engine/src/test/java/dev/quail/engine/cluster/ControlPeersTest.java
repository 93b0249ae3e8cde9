package dev.quail.engine.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.typesafe.config.ConfigFactory;
import dev.quail.engine.Controls;
import dev.quail.engine.TestHomes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlPeersTest {
    static final ActorTestKit KIT = ActorTestKit.create();

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    @Test
    void theSameHostsInAnotherOrderCaseOrWithCommentsAreTheSame(@TempDir Path dir) throws Exception {
        Path a = Files.writeString(dir.resolve("a"), "example.org\nmail.example.org\n");
        Path b = Files.writeString(dir.resolve("b"), "# ours\nMAIL.example.org\n\n  example.org\n");
        Path c = Files.writeString(dir.resolve("c"), "example.org\n");
        assertEquals(ControlPeers.fileDigest(a), ControlPeers.fileDigest(b));
        assertNotEquals(ControlPeers.fileDigest(a), ControlPeers.fileDigest(c));
        assertEquals("", ControlPeers.fileDigest(dir.resolve("missing")));
    }

    @Test
    void theDifferencesAreNamed() {
        var ours = new ControlPeers.Digest("n1", "mx1.example.org", "l", "r");
        assertEquals(List.of(), ControlPeers.differences(ours, new ControlPeers.Digest("n2", "mx1.example.org", "l", "r")));
        assertEquals(List.of("me (mx1.example.org here, mx2.example.org there)", "rcpthosts"),
                ControlPeers.differences(ours, new ControlPeers.Digest("n2", "mx2.example.org", "l", "x")));
    }

    @Test
    void aNodeTellsItsPeersItsDigest() throws Exception {
        Controls controls = TestHomes.controls(Map.of("me", "mx1.example.org\n", "locals", "example.org\n"));
        TestProbe<ControlPeers.Command> peer = KIT.createTestProbe();
        KIT.system().receptionist().tell(Receptionist.register(ControlPeers.KEY, peer.ref()));
        KIT.spawn(ControlPeers.create(controls, "n1"));
        ControlPeers.Digest digest = (ControlPeers.Digest) peer.receiveMessage(Duration.ofSeconds(10));
        assertEquals("n1", digest.node());
        assertEquals("mx1.example.org", digest.me());
        assertEquals(ControlPeers.fileDigest(controls.home().control("locals")), digest.locals());
    }
}
