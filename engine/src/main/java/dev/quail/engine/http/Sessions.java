package dev.quail.engine.http;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The web admin's signed-in sessions, in memory only (a restart signs everyone out): a random session id for the
 * cookie and, per session, a random CSRF token that every state-changing request made with the cookie must repeat
 * (a header or a form field), which a page on another site cannot read. A session ends {@link #IDLE_MILLIS} after
 * its last use; at most {@link #MAX} exist, the least recently used going first. Thread-safe.
 */
public final class Sessions {
    static final long IDLE_MILLIS = 60 * 60 * 1000L;
    static final int MAX = 1000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A signed-in admin. */
    public record Session(String id, String admin, String csrf) {}

    private record Entry(Session session, long lastUse) {}

    private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
    private final LongSupplier millis;

    public Sessions(LongSupplier millis) {
        this.millis = millis;
    }

    public synchronized Session open(String admin) {
        if (sessions.size() >= MAX) {
            long now = millis.getAsLong();
            sessions.values().removeIf(e -> now - e.lastUse() >= IDLE_MILLIS);
            if (sessions.size() >= MAX) {
                sessions.values().stream().min((a, b) -> Long.compare(a.lastUse(), b.lastUse()))
                        .ifPresent(oldest -> sessions.remove(oldest.session().id()));
            }
        }
        Session session = new Session(random(), admin, random());
        sessions.put(session.id(), new Entry(session, millis.getAsLong()));
        return session;
    }

    /** The live session with this id, its idle time restarted. */
    public Optional<Session> find(String id) {
        long now = millis.getAsLong();
        Entry entry = sessions.computeIfPresent(id,
                (k, e) -> now - e.lastUse() >= IDLE_MILLIS ? null : new Entry(e.session(), now));
        return Optional.ofNullable(entry).map(Entry::session);
    }

    public void close(String id) {
        sessions.remove(id);
    }

    private static String random() {
        byte[] bits = new byte[32];
        RANDOM.nextBytes(bits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }
}
