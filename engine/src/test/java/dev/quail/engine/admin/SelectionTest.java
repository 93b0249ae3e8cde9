package dev.quail.engine.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quail.engine.queue.MessageState;
import dev.quail.persistence.body.Body;
import dev.quail.persistence.events.Channel;
import dev.quail.persistence.events.MessageEvent;
import dev.quail.persistence.events.Recipient;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelectionTest {
    private static final long NOW = 1_000_000_000L;

    private static MessageState message(String sender, String... recipients) {
        List<Recipient> rs = Arrays.stream(recipients)
                .map(r -> new Recipient(r, r.endsWith("@localhost") ? Channel.LOCAL : Channel.REMOTE)).toList();
        return new MessageState().apply(new MessageEvent.Accepted("m1", NOW - 600_000, sender, rs,
                Body.inline(new byte[0]), "smtp 127.0.0.1"));
    }

    @Test
    void filtersMatchPartsOfAddressesAnyCaseAndPendingDestinations() {
        MessageState m = message("Alice@Example.org", "bob@mail.example.net", "carol@localhost");
        assertTrue(Selection.parse(List.of("sender=alice@EXAMPLE")).matches(m, NOW));
        assertFalse(Selection.parse(List.of("sender=mallory")).matches(m, NOW));
        assertTrue(Selection.parse(List.of("recipient=CAROL")).matches(m, NOW));
        assertTrue(Selection.parse(List.of("destination=example.net")).matches(m, NOW), "a parent domain");
        assertTrue(Selection.parse(List.of("destination=mail.example.net")).matches(m, NOW));
        assertFalse(Selection.parse(List.of("destination=ample.net")).matches(m, NOW), "not a parent: a suffix");
        m.apply(new MessageEvent.Delivered(0, "ok"));
        assertFalse(Selection.parse(List.of("destination=example.net")).matches(m, NOW), "delivered: not pending");
    }

    @Test
    void stateAndAgeAtTheirEdges() {
        MessageState m = message("a@b", "c@localhost");
        assertTrue(Selection.parse(List.of("state=new")).matches(m, NOW));
        m.apply(new MessageEvent.Deferred(0, "later"));
        assertTrue(Selection.parse(List.of("state=deferred")).matches(m, NOW));
        m.apply(new MessageEvent.Held(true));
        assertTrue(Selection.parse(List.of("state=held")).matches(m, NOW));
        assertTrue(Selection.parse(List.of("age=600")).matches(m, NOW), "queued exactly 600 s ago");
        assertFalse(Selection.parse(List.of("age=601")).matches(m, NOW));
    }

    @Test
    void pagesAreBoundedAndBadWordsAreRefused() {
        assertEquals(Selection.MAX_LIMIT, Selection.parse(List.of("limit=1001")).limit());
        assertEquals(Selection.MAX_LIMIT, Selection.parse(List.of("limit=1000")).limit());
        assertEquals(1, Selection.parse(List.of("limit=0")).limit());
        assertEquals(Integer.MAX_VALUE, Selection.all().limit(), "the command line lists everything by default");
        assertFalse(Selection.parse(List.of("offset=5", "limit=5")).narrows(), "a page names no messages");
        assertTrue(Selection.parse(List.of("sender=x")).narrows());
        assertThrows(IllegalArgumentException.class, () -> Selection.parse(List.of("colour=red")));
        assertThrows(IllegalArgumentException.class, () -> Selection.parse(List.of("state=gone")));
        assertThrows(IllegalArgumentException.class, () -> Selection.parse(List.of("age=-1")));
        assertThrows(IllegalArgumentException.class, () -> Selection.parse(List.of("limit=1234567890123456789")));
        assertThrows(IllegalArgumentException.class, () -> Selection.parse(List.of("idonly")));
    }
}
