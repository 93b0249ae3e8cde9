package dev.quail.engine.admin;

import dev.quail.engine.queue.MessageState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;

/**
 * Which queued messages a request is about: qread's filters and page, and the targets of queue edits and flush,
 * the same for `quail qread --sender ...` and GET /api/v1/messages?sender=... . Given as KEY=VALUE words:
 * id, sender and recipient (a part of the address, any case), destination (the domain of a pending recipient, or
 * a parent of it), state (new: never tried; deferred: tried and pending; held), age (queued at least this many
 * seconds), offset and limit (the page, in queue order: oldest first).
 */
public record Selection(Optional<String> id, Optional<String> sender, Optional<String> recipient,
                        Optional<String> destination, Optional<String> state, long minAgeSeconds, int offset,
                        int limit) {
    /** A page holds at most this many messages. */
    public static final int MAX_LIMIT = 1000;
    static final List<String> STATES = List.of("new", "deferred", "held");
    static final List<String> KEYS = List.of("id", "sender", "recipient", "destination", "state", "age", "offset",
            "limit");

    /** Everything: qread without arguments. */
    public static Selection all() {
        return new Selection(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), 0, 0, Integer.MAX_VALUE);
    }

    /** KEY=VALUE words; anything else is an IllegalArgumentException naming what is wrong. */
    public static Selection parse(List<String> words) {
        Map<String, String> given = new HashMap<>();
        for (String word : words) {
            int eq = word.indexOf('=');
            if (eq <= 0 || !KEYS.contains(word.substring(0, eq))) {
                throw new IllegalArgumentException("expected KEY=VALUE with KEY one of " + String.join(", ", KEYS)
                        + ": " + word);
            }
            if (!word.substring(eq + 1).isEmpty()) given.put(word.substring(0, eq), word.substring(eq + 1));
        }
        Optional<String> state = lower(given, "state");
        if (state.isPresent() && !STATES.contains(state.get())) {
            throw new IllegalArgumentException("state is one of " + String.join(", ", STATES));
        }
        return new Selection(Optional.ofNullable(given.get("id")), lower(given, "sender"), lower(given, "recipient"),
                lower(given, "destination"), state, number(given, "age", 0, Long.MAX_VALUE / 1000),
                (int) number(given, "offset", 0, Integer.MAX_VALUE),
                (int) Math.max(1, number(given, "limit", Integer.MAX_VALUE, MAX_LIMIT)));
    }

    /** Whether the request names messages at all (an edit or a flush of "everything" must say so). */
    public boolean narrows() {
        return id.isPresent() || sender.isPresent() || recipient.isPresent() || destination.isPresent()
                || state.isPresent() || minAgeSeconds > 0;
    }

    public boolean matches(MessageState m, long nowMillis) {
        var a = m.accepted();
        if (id.isPresent() && !id.get().equals(a.id())) return false;
        if (sender.isPresent() && !a.sender().toLowerCase(Locale.ROOT).contains(sender.get())) return false;
        if (recipient.isPresent() && a.recipients().stream()
                .noneMatch(r -> r.address().toLowerCase(Locale.ROOT).contains(recipient.get()))) return false;
        if (destination.isPresent() && !pendingTo(m, destination.get())) return false;
        if (state.isPresent() && !state.get().equals(state(m))) return false;
        return nowMillis - a.birthMillis() >= minAgeSeconds * 1000;
    }

    /** new, deferred or held; a finished message (its bounce on the way) counts by its last state. */
    public static String state(MessageState m) {
        if (m.held()) return "held";
        for (int i = 0; i < m.accepted().recipients().size(); i++) if (m.report(i) != null) return "deferred";
        return "new";
    }

    /** The domain of an address, lower case: what destinations and the qshape table are keyed by. */
    static String domain(String address) {
        return address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    private static boolean pendingTo(MessageState m, String wanted) {
        for (int i = 0; i < m.accepted().recipients().size(); i++) {
            if (m.status(i) != MessageState.Status.PENDING) continue;
            String d = domain(m.recipient(i).address());
            if (d.equals(wanted) || d.endsWith("." + wanted)) return true;
        }
        return false;
    }

    private static Optional<String> lower(Map<String, String> given, String key) {
        return Optional.ofNullable(given.get(key)).map(v -> v.toLowerCase(Locale.ROOT));
    }

    /** A count or a number of seconds; {@code absent} when not given (it may exceed {@code max}: "no limit"). */
    private static long number(Map<String, String> given, String key, long absent, long max) {
        String value = given.get(key);
        if (value == null) return absent;
        if (!value.matches("[0-9]{1,18}")) throw new IllegalArgumentException(key + " is a number: " + value);
        return Math.min(Long.parseLong(value), max);
    }
}
