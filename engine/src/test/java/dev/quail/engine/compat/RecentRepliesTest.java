package dev.quail.engine.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One answer per sender per period, and no more files than one period's senders. */
class RecentRepliesTest {
    @TempDir
    Path dir;

    @Test
    void aSenderIsAnsweredOncePerPeriodWhateverTheCaseOfItsAddress() throws IOException {
        RecentReplies recent = new RecentReplies(dir, Duration.ofDays(7));
        Instant t = Instant.parse("2026-12-01T00:00:00Z");
        assertTrue(recent.claim("bob@x.org", t));
        assertFalse(recent.claim("BOB@x.org", t.plus(Duration.ofDays(6))));
        assertTrue(recent.claim("ann@x.org", t.plus(Duration.ofDays(6))));
        assertTrue(recent.claim("bob@x.org", t.plus(Duration.ofDays(8))), "a new period");
        assertEquals(2, files(), "ann and the new bob");
        assertTrue(recent.claim("cy@x.org", t.plus(Duration.ofDays(14))));
        assertEquals(2, files(), "ann's old claim forgotten");
    }

    @Test
    void aClaimGivenBackLetsTheNextMessageTryAgain() throws IOException {
        RecentReplies recent = new RecentReplies(dir, Duration.ofDays(7));
        Instant t = Instant.parse("2026-12-01T00:00:00Z");
        assertTrue(recent.claim("bob@x.org", t));
        recent.release("bob@x.org");
        assertTrue(recent.claim("bob@x.org", t.plusSeconds(1)));
    }

    private long files() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("sent"))) {
            return s.count();
        }
    }
}
