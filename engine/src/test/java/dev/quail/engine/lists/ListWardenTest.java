package dev.quail.engine.lists;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EZ-08, EZ-33: the scheduler walks a bouncing member through warning, probe and removal, on its own. */
class ListWardenTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final long T0 = 1_800_000_000L;
    private static final Pattern FROM =
            Pattern.compile("news-(return-(warn|probe)-[0-9]+\\.[a-p]{20}-a=far\\.test)@lists\\.test");

    @TempDir
    Path home;

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    @Test
    void aBouncingMemberIsWarnedThenProbedThenRemovedWithoutAnyMailTraffic() throws IOException {
        MailingList l = Lists.of(home).create(ListAddress.parse("news@lists.test").orElseThrow(),
                Optional.empty(), false, false);
        Files.writeString(l.dir().resolve("bouncetimeout"), "100\n");
        l.subscribe(List.of("a@far.test", "gone@far.test"), "+");
        l.bounces().put(new BounceStore.Record("a@far.test", T0, 3, BounceStore.State.BOUNCING, T0, "5.1.1"));
        l.bounces().put(new BounceStore.Record("gone@far.test", T0, 1, BounceStore.State.BOUNCING, T0, ""));
        l.unsubscribe(List.of("gone@far.test"), "-"); // its record goes with it
        l.bounces().put(new BounceStore.Record("gone@far.test", T0, 1, BounceStore.State.BOUNCING, T0, ""));
        Outbox outbox = new Outbox();
        AtomicReference<Instant> now = new AtomicReference<>(Instant.ofEpochSecond(T0 + 99));
        ExecutorService io = Executors.newSingleThreadExecutor();
        ActorRef<ListWarden.Command> warden = KIT.spawn(ListWarden.create(Lists.of(home), outbox, io, now::get));
        try {
            eventually(() -> assertFalse(l.bounces().get("gone@far.test").isPresent(),
                    "a non-member's record is forgotten"));
            assertEquals(0, outbox.size(), "no warning before the timeout");

            // At the timeout, on the first pass the list's rate allows (timeout / 50 = 2 s after the last one).
            now.set(Instant.ofEpochSecond(T0 + 101));
            eventually(() -> assertEquals(BounceStore.State.WARNED, state(l)));
            assertEquals(1, outbox.size());
            Outbox.Sent warning = outbox.last();
            assertEquals(List.of("a@far.test"), warning.recipients());
            Matcher w = FROM.matcher(warning.sender());
            assertTrue(w.matches() && w.group(2).equals("warn"), warning.sender());
            assertTrue(warning.message().contains("3 bounces so far"));

            bounceBack(l, w.group(1), T0 + 102);
            now.set(Instant.ofEpochSecond(T0 + 202)); // the timeout after the warning bounced
            eventually(() -> assertEquals(BounceStore.State.PROBED, state(l)));
            assertEquals(2, outbox.size());
            Matcher p = FROM.matcher(outbox.last().sender());
            assertTrue(p.matches() && p.group(2).equals("probe"), outbox.last().sender());

            bounceBack(l, p.group(1), T0 + 203);
            assertFalse(l.subscribers().contains("a@far.test"));
            assertTrue(Files.readString(l.dir().resolve("Log")).contains("-probe a@far.test"));
        } finally {
            KIT.stop(warden);
            io.shutdown();
        }
    }

    private interface Check {
        void run() throws Exception;
    }

    /** Waits for the very thing asserted, up to 10 s. */
    private static void eventually(Check check) {
        KIT.createTestProbe().awaitAssert(Duration.ofSeconds(10), () -> {
            check.run();
            return true;
        });
    }

    private static BounceStore.State state(MailingList l) throws IOException {
        return l.bounces().get("a@far.test").orElseThrow().state();
    }

    private static void bounceBack(MailingList l, String extension, long at) throws IOException {
        new Bouncer(at).record(l, ReturnAddress.parse(extension).orElseThrow(), new ByteArrayInputStream(new byte[0]));
    }
}
