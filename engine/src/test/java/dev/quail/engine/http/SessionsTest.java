package dev.quail.engine.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SessionsTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Sessions sessions = new Sessions(now::get);

    @Test
    void aSessionLastsUntilItHasBeenIdleAnHour() {
        var s = sessions.open("root");
        assertNotEquals(s.id(), s.csrf(), "the CSRF token is not the cookie");
        now.addAndGet(Sessions.IDLE_MILLIS - 1);
        assertEquals("root", sessions.find(s.id()).orElseThrow().admin(), "used just before the hour");
        now.addAndGet(Sessions.IDLE_MILLIS - 1);
        assertTrue(sessions.find(s.id()).isPresent(), "each use restarts the hour");
        now.addAndGet(Sessions.IDLE_MILLIS);
        assertTrue(sessions.find(s.id()).isEmpty(), "an hour idle: signed out");
    }

    @Test
    void atMostMaxSessionsTheLeastRecentlyUsedGoingFirst() {
        var first = sessions.open("root");
        now.incrementAndGet();
        var second = sessions.open("root");
        for (int i = 2; i < Sessions.MAX; i++) {
            now.incrementAndGet();
            sessions.open("other");
        }
        now.incrementAndGet();
        sessions.find(first.id());
        var last = sessions.open("root");
        assertTrue(sessions.find(first.id()).isPresent(), "recently used");
        assertTrue(sessions.find(second.id()).isEmpty(), "the least recently used made room");
        assertTrue(sessions.find(last.id()).isPresent());
    }

    @Test
    void aClosedSessionIsGone() {
        var s = sessions.open("root");
        sessions.close(s.id());
        assertTrue(sessions.find(s.id()).isEmpty());
    }
}
