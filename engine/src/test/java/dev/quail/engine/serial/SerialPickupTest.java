package dev.quail.engine.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quail.config.QuailHome;
import dev.quail.engine.Controls;
import dev.quail.engine.TestHomes;
import dev.quail.persistence.maildir.Maildir;
import dev.quail.protocols.smtp.Etrn;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** ETRN's answers (RFC 1985), and where the push may go: only to a route the admin wrote, never to the asker. */
class SerialPickupTest {
    private static final InetAddress CLIENT = InetAddress.getLoopbackAddress();

    private final List<Runnable> started = new CopyOnWriteArrayList<>();

    private Controls home(Map<String, String> files, int kept) throws Exception {
        Controls controls = TestHomes.controls(files);
        Path serial = QuailHome.of(controls.home().root()).serialmail();
        Files.createDirectories(serial);
        Maildir.make(serial.resolve("dialup.example"));
        for (int i = 0; i < kept; i++) {
            Files.writeString(serial.resolve("dialup.example/new/" + i), "Return-Path: <>\nDelivered-To: u@d\n\n");
        }
        return controls;
    }

    @Test
    void aRoutedDomainWithMailStartsThePushAndTheOthersSayWhyNot() throws Exception {
        Controls c = home(Map.of("serialhosts", "dialup.example\nempty.example\n",
                "smtproutes", "dialup.example:127.0.0.1:2626\nempty.example:127.0.0.1:2626\n"), 2);
        SerialPickup pickup = new SerialPickup(c, started::add, Clock.systemUTC());
        assertEquals(Etrn.started(2), pickup.etrn("DIALUP.example", CLIENT));
        assertEquals(1, started.size());
        assertEquals(Etrn.of(Etrn.Kind.NONE_WAITING), pickup.etrn("empty.example", CLIENT));
        assertEquals(Etrn.of(Etrn.Kind.NOT_KEPT), pickup.etrn("other.example", CLIENT));
        assertEquals(1, started.size());
    }

    @Test
    void withoutARouteTheMailNeverGoesToTheClientThatAsked() throws Exception {
        Controls c = home(Map.of("serialhosts", "dialup.example\n"), 1);
        assertEquals(Etrn.of(Etrn.Kind.UNABLE), new SerialPickup(c, started::add, Clock.systemUTC())
                .etrn("dialup.example", CLIENT));
        assertEquals(List.of(), started);
        Controls busy = home(Map.of("serialhosts", "dialup.example\n", "qmtproutes", "dialup.example:127.0.0.1"), 1);
        assertEquals(Etrn.of(Etrn.Kind.UNABLE), new SerialPickup(busy, r -> {
            throw new RejectedExecutionException("shutting down");
        }, Clock.systemUTC()).etrn("dialup.example", CLIENT));
        assertEquals(new SerialPush.Destination("127.0.0.1", 209, SerialPush.Protocol.QMTP),
                SerialPickup.destination(busy.current().control(), "dialup.example").orElseThrow());
    }
}
