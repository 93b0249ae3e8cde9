package dev.quail.engine.queue;

import dev.quail.persistence.body.Body;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Queue's schedule, qmail-send's picture of its queue: for every unfinished message it knows, whether its actor
 * is alive, asleep until a due time, or waiting its turn to be woken; and the admission rule that keeps at most
 * {@code maxLive} messages, holding at most {@code maxBytes} of message bytes, alive at once, so a queue of millions
 * costs one small entry per message (id, due time, size) and never an actor or a body each.
 *
 * <p>Transitions: a message is <b>live</b> from the moment the Queue spawns its actor (a submission, a wake-up, an
 * admin action) until the actor has stopped. A live message that says it will sleep is <b>asleep</b> once it has
 * stopped; one that says it finished is forgotten once it has stopped; one that stopped without saying either (its
 * journal write or recovery failed, or it crashed) is put to sleep for a backoff that doubles with each such stop,
 * so a failing journal is retried, never abandoned: a message always has a live actor or a due time. Asleep messages
 * whose time has come, or that are flushed, <b>wait</b> in arrival order until admission lets them live.
 *
 * <p>What the index hears (asleep with a due time, gone) is exactly what a restart needs to know without recovering
 * every message; a lost update only makes a message wake early, and a woken message checks its own retry times.
 * Plain and single-threaded: the Queue actor owns it; times are passed in, so it is tested without clocks.
 */
final class Schedule {
    /** Where the schedule's durable half goes: the persisted due-time index. */
    interface Index {
        void asleep(String id, long due, long bytes);

        void gone(String id);
    }

    /** A message to wake: {@code checkDue} after a restart (only channels whose retry time has come are tried). */
    record Wake(String id, boolean checkDue) {}

    /** Bytes assumed for a message whose size is not known yet: at most one inline chunk is held by its actor. */
    static final long UNKNOWN_BYTES = dev.quail.persistence.body.BodyStore.CHUNK;
    static final long FIRST_BACKOFF_MILLIS = 1_000;
    static final long MAX_BACKOFF_MILLIS = 60_000;

    private enum State { LIVE, ASLEEP, WAITING }

    /**
     * What a live message is counted for: its inline tail, at most one chunk. A message journaled before bodies were
     * chunked holds its whole body inline; counting all of it would keep it waiting until nothing else is alive, and
     * everything behind it with it.
     */
    static long heldBytes(Body body) {
        return Math.min(body.tail().length, UNKNOWN_BYTES);
    }

    private static final class Entry {
        State state;
        long due;
        long bytes = UNKNOWN_BYTES;
        boolean checkDue;
        /** While live: what it said it will do when it stops. */
        boolean sleepAfterStop;
        boolean finished;
        /** While live: woken again (a flush, an admin release) before it stopped. */
        boolean wakeAgain;
        /** Whether the index holds it. */
        boolean indexed;
        /** Restored from the index and not yet found in the journal by the start's scan. */
        boolean unconfirmed;
        int failures;

        Entry(State state) {
            this.state = state;
        }
    }

    private final Index index;
    private final Map<String, Entry> entries = new HashMap<>();
    /** Asleep ids by due time; an id whose entry has moved on since is skipped when its bucket comes due. */
    private final TreeMap<Long, List<String>> byDue = new TreeMap<>();
    /** Waiting ids in turn; skipped lazily like byDue. */
    private final ArrayDeque<String> waiting = new ArrayDeque<>();
    private int live;
    private long liveBytes;
    private int asleep;
    private int waitingCount;

    Schedule(Index index) {
        this.index = index;
    }

    int live() { return live; }

    int asleep() { return asleep; }

    int waiting() { return waitingCount; }

    /**
     * A new or resubmitted message's actor was spawned (or is alive already). Returns whether it may deliver now;
     * if not, it is journaled, then sleeps until admission wakes it.
     */
    boolean submitted(String id, long bytes, int maxLive, long maxBytes) {
        boolean room = live < maxLive && liveBytes + bytes <= maxBytes || live == 0;
        Entry e = makeLive(id);
        liveBytes += bytes - e.bytes;
        e.bytes = bytes;
        return room;
    }

    /** The Queue spawned an actor outside admission (an admin hold, release or delete). */
    void spawned(String id) {
        makeLive(id);
    }

    /** A live message will stop and sleep until {@code due}. */
    void sleeping(String id, long due, long bytes) {
        Entry e = entries.get(id);
        if (e == null || e.state != State.LIVE) return;
        e.sleepAfterStop = true;
        e.due = due;
        liveBytes += bytes - e.bytes;
        e.bytes = bytes;
    }

    /** A message is done (every recipient settled, or deleted): forgotten once its actor, if any, has stopped. */
    void finished(String id) {
        Entry e = entries.get(id);
        if (e == null) return;
        if (e.state == State.LIVE) {
            e.finished = true;
        } else {
            forget(id, e);
        }
    }

    /** A message's actor stopped. Returns true when it is to be woken again at once. */
    boolean stopped(String id, long now) {
        Entry e = entries.get(id);
        if (e == null || e.state != State.LIVE) return false;
        live--;
        liveBytes -= e.bytes;
        if (e.finished) {
            forget(id, e);
            return false;
        }
        if (!e.sleepAfterStop) {
            // Stopped without a word: its journal failed or it crashed. It keeps its place, after a backoff.
            e.failures++;
            e.due = now + Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(e.failures - 1, 16));
        } else {
            e.failures = 0;
        }
        if (e.wakeAgain) {
            e.wakeAgain = false;
            toWaiting(id, e, false);
            return true;
        }
        toAsleep(id, e);
        return false;
    }

    /** Every asleep message whose time has come waits for its turn. */
    void due(long now) {
        while (!byDue.isEmpty() && byDue.firstKey() <= now) {
            var bucket = byDue.pollFirstEntry();
            for (String id : bucket.getValue()) {
                Entry e = entries.get(id);
                if (e != null && e.state == State.ASLEEP && e.due == bucket.getKey()) {
                    asleep--;
                    toWaiting(id, e, false);
                }
            }
        }
    }

    /** qmail's SIGALRM: every asleep message waits for its turn now; live ones go again once they stop. */
    void flush() {
        for (var each : entries.entrySet()) {
            Entry e = each.getValue();
            if (e.state == State.ASLEEP) {
                asleep--;
                toWaiting(each.getKey(), e, false);
            } else if (e.state == State.LIVE) {
                e.wakeAgain = e.sleepAfterStop;
            }
        }
    }

    /** An asleep message is due at {@code due} if that is earlier (a resumed suspension); others are left alone. */
    void advance(String id, long due) {
        Entry e = entries.get(id);
        if (e == null || e.state != State.ASLEEP || due >= e.due) return;
        e.due = due;
        byDue.computeIfAbsent(due, k -> new ArrayList<>(1)).add(id);
        e.indexed = true;
        index.asleep(id, due, e.bytes);
    }

    /** Found in the journal at start, after the index was read: unknown ids recover and check their own times. */
    void recovered(String id) {
        Entry e = entries.get(id);
        if (e == null) toWaiting(id, new Entry(State.WAITING), true);
        else e.unconfirmed = false;
    }

    /**
     * After the start's scan: index entries of messages the journal no longer holds (finished after the index last
     * heard of them) are forgotten. Returns how many.
     */
    int pruneUnconfirmed() {
        List<String> stale = new ArrayList<>();
        entries.forEach((id, e) -> {
            if (e.unconfirmed && e.state == State.ASLEEP) stale.add(id);
        });
        for (String id : stale) forget(id, entries.get(id));
        return stale.size();
    }

    /** From the index at start: asleep until {@code due}, without recovering it. */
    void restored(String id, long due, long bytes) {
        if (entries.containsKey(id)) return;
        Entry e = new Entry(State.ASLEEP);
        e.due = due;
        e.bytes = bytes;
        e.indexed = true;
        e.unconfirmed = true;
        entries.put(id, e);
        e.state = State.ASLEEP;
        asleep++;
        byDue.computeIfAbsent(due, k -> new ArrayList<>(1)).add(id);
    }

    /** Takes a message out of the schedule (an admin hold): it stays only if live, until it stops. */
    void unschedule(String id) {
        Entry e = entries.get(id);
        if (e == null || e.state == State.LIVE) return;
        forget(id, e);
    }

    /** The messages admission lets live now, in turn; each is counted live from here on. */
    List<Wake> admit(int maxLive, long maxBytes) {
        List<Wake> out = new ArrayList<>();
        while (!waiting.isEmpty() && (live == 0 || live < maxLive)) {
            String id = waiting.peekFirst();
            Entry e = entries.get(id);
            if (e == null || e.state != State.WAITING) {
                waiting.pollFirst();
                continue;
            }
            if (live > 0 && liveBytes + e.bytes > maxBytes) break;
            waiting.pollFirst();
            boolean check = e.checkDue;
            makeLive(id);
            out.add(new Wake(id, check));
        }
        return out;
    }

    private Entry makeLive(String id) {
        Entry e = entries.get(id);
        if (e == null) {
            e = new Entry(State.LIVE);
            entries.put(id, e);
        } else if (e.state == State.LIVE) {
            return e;
        } else if (e.state == State.ASLEEP) {
            asleep--;
        } else {
            waitingCount--;
        }
        e.state = State.LIVE;
        e.sleepAfterStop = false;
        e.finished = false;
        e.wakeAgain = false;
        e.checkDue = false;
        live++;
        liveBytes += e.bytes;
        return e;
    }

    private void toAsleep(String id, Entry e) {
        e.state = State.ASLEEP;
        asleep++;
        byDue.computeIfAbsent(e.due, k -> new ArrayList<>(1)).add(id);
        e.indexed = true;
        index.asleep(id, e.due, e.bytes);
    }

    private void toWaiting(String id, Entry e, boolean checkDue) {
        e.state = State.WAITING;
        e.checkDue = checkDue;
        waitingCount++;
        waiting.addLast(id);
        entries.put(id, e);
    }

    private void forget(String id, Entry e) {
        if (e.state == State.ASLEEP) asleep--;
        if (e.state == State.WAITING) waitingCount--;
        entries.remove(id);
        if (e.indexed) index.gone(id);
    }
}
