package dev.quail.engine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueueLinesTest {
    @Test
    void theListAsksQreadWithTheFiltersInAFixedOrderAndADefaultPage() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("state", "deferred");
        p.put("sender", "alice");
        assertEquals("qread --json sender=alice state=deferred limit=100", QueueLines.list(p));
        p.put("limit", "5");
        p.put("offset", "10");
        assertEquals("qread --json sender=alice state=deferred offset=10 limit=5", QueueLines.list(p));
    }

    @Test
    void whatCannotBeOneWordOfTheLineIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> QueueLines.list(Map.of("sender", "a b")));
        assertThrows(IllegalArgumentException.class, () -> QueueLines.list(Map.of("sender", "a\nflush")));
        assertThrows(IllegalArgumentException.class, () -> QueueLines.list(Map.of("subject", "x")));
        assertThrows(IllegalArgumentException.class, () -> QueueLines.one("a b"));
        assertThrows(IllegalArgumentException.class, () -> QueueLines.edit("bounce", "hop1"));
    }

    @Test
    void actionsOnOneMessageOrOnWhatAFilterPicks() {
        assertEquals("queue hold hop1", QueueLines.edit("hold", "hop1"));
        assertEquals("flush id=hop1", QueueLines.edit("flush", "hop1"));
        assertEquals("queue delete recipient=dave", QueueLines.onQueue("delete", Map.of("recipient", "dave")));
        assertEquals("flush", QueueLines.onQueue("flush", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> QueueLines.onQueue("delete", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> QueueLines.onQueue("hold", Map.of("offset", "1")));
    }
}
