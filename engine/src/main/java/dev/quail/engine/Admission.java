package dev.quail.engine;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * One listener's connection slots (tcpserver -c, with Postfix's stress-adaptive behaviour): at most
 * concurrencyincoming connections in all and concurrencyperip from one client address. The limits are given at
 * each admission, so a reload applies to the next client.
 *
 * <p>A client over its address's limit is refused. A client arriving at a full listener is not: the connection
 * that has waited longest for its client's next command is closed to make room (Postfix closes idle clients under
 * stress as well), preferring an address that holds the most connections, so a flood from a few addresses makes
 * room for everyone else; only when no connection is idle (all are in DATA, awaiting the queue, checking a
 * password) is the newcomer refused. Its slot is freed at once: the evicted connection says goodbye on its next
 * tick. A listener with at least {@link #STRESSED} of its slots taken is under stress: its sessions' idle and
 * command deadlines shrink to timeoutstress, so idle clients make room on their own. Thread-safe.
 */
public final class Admission {
    /** Three quarters: room enough for a burst to arrive before the deadlines shrink, early enough to matter. */
    static final double STRESSED = 0.75;

    private final LongSupplier millis;
    private final Map<InetAddress, List<Ticket>> byAddress = new HashMap<>();
    private int open;
    private int limit = Integer.MAX_VALUE;

    public Admission(LongSupplier millis) {
        this.millis = millis;
    }

    /** A slot for a connection from {@code client}, or empty: it must be refused. */
    public synchronized Optional<Ticket> admit(InetAddress client, int total, int perAddress) {
        limit = Math.max(1, total);
        List<Ticket> mine = byAddress.getOrDefault(client, List.of());
        if (mine.size() >= Math.max(1, perAddress)) return Optional.empty();
        if (open >= limit) {
            Optional<Ticket> idlest = idlest();
            if (idlest.isEmpty()) return Optional.empty();
            remove(idlest.get());
            idlest.get().evicted = true;
            idlest.get().onEviction.run();
        }
        Ticket ticket = new Ticket(client, millis.getAsLong());
        byAddress.computeIfAbsent(client, c -> new ArrayList<>()).add(ticket);
        open++;
        return Optional.of(ticket);
    }

    /** Connections open now. */
    public synchronized int open() {
        return open;
    }

    synchronized boolean stressed() {
        return open >= Math.ceil(limit * STRESSED);
    }

    private Optional<Ticket> idlest() {
        return byAddress.values().stream().flatMap(List::stream).filter(t -> t.idle)
                .max(Comparator.<Ticket>comparingInt(t -> byAddress.get(t.client).size())
                        .thenComparingLong(t -> -t.since));
    }

    private synchronized void release(Ticket ticket) {
        if (!ticket.evicted && !ticket.released) remove(ticket);
        ticket.released = true;
    }

    private void remove(Ticket ticket) {
        List<Ticket> mine = byAddress.get(ticket.client);
        mine.remove(ticket);
        if (mine.isEmpty()) byAddress.remove(ticket.client);
        open--;
    }

    /** One admitted connection's slot, as its edge reports on it. */
    public final class Ticket {
        private final InetAddress client;
        /** A connection starts out waiting: for its client's first command, or its TLS handshake. */
        private volatile boolean idle = true;
        private volatile long since;
        private volatile boolean evicted;
        private boolean released;
        private Runnable onEviction = () -> { };

        private Ticket(InetAddress client, long since) {
            this.client = client;
            this.since = since;
        }

        /** The client sent something: its idle time starts over. */
        public void activity() {
            since = millis.getAsLong();
        }

        /** Whether the session waits for its client's next command (and not for DATA, the queue, a password). */
        public void waiting(boolean waitingForCommand) {
            idle = waitingForCommand;
        }

        /** The listener gave this connection's slot to a newcomer: close it. */
        public boolean evicted() {
            return evicted;
        }

        /** Whether the listener is nearly full. */
        public boolean stressed() {
            return Admission.this.stressed();
        }

        /** Runs when the slot is given away: the edge's backstop, in case its goodbye cannot be written. */
        void onEviction(Runnable action) {
            onEviction = action;
        }

        /** The connection has ended. */
        public void release() {
            Admission.this.release(this);
        }
    }
}
