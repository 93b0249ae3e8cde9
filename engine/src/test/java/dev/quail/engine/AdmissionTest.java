package dev.quail.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A listener's connection slots at their edges: the caps, eviction of the idlest, stress at three quarters. */
class AdmissionTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final Admission admission = new Admission(now::get);

    private static InetAddress ip(int last) throws Exception {
        return InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) last});
    }

    private Admission.Ticket admit(int last, int total, int perAddress) throws Exception {
        now.addAndGet(10);
        return admission.admit(ip(last), total, perAddress).orElseThrow();
    }

    @Test
    void concurrencyperip_connections_from_one_address_and_not_one_more_until_one_ends() throws Exception {
        Admission.Ticket first = admit(1, 100, 2);
        admit(1, 100, 2);
        assertEquals(Optional.empty(), admission.admit(ip(1), 100, 2));
        admit(2, 100, 2);
        first.release();
        first.release();
        admit(1, 100, 2);
        assertEquals(3, admission.open());
    }

    @Test
    void a_full_listener_closes_its_longest_idle_connection_on_the_most_crowded_address_for_a_newcomer()
            throws Exception {
        Admission.Ticket lonely = admit(1, 4, 10);
        Admission.Ticket crowdedOld = admit(2, 4, 10);
        Admission.Ticket crowdedNew = admit(2, 4, 10);
        Admission.Ticket busy = admit(3, 4, 10);
        busy.waiting(false);
        lonely.activity();
        crowdedNew.activity();
        Admission.Ticket newcomer = admit(4, 4, 10);
        assertTrue(crowdedOld.evicted(), "the idlest connection of the address holding the most");
        assertFalse(lonely.evicted() || crowdedNew.evicted() || busy.evicted() || newcomer.evicted());
        assertEquals(4, admission.open());
        crowdedOld.release();
        assertEquals(4, admission.open(), "an evicted connection's slot was given away already");
    }

    @Test
    void a_full_listener_where_nobody_is_idle_refuses() throws Exception {
        admit(1, 2, 10).waiting(false);
        admit(2, 2, 10).waiting(false);
        assertEquals(Optional.empty(), admission.admit(ip(3), 2, 10));
    }

    @Test
    void three_quarters_full_is_stress() throws Exception {
        Admission.Ticket a = admit(1, 4, 10);
        admit(2, 4, 10);
        assertFalse(a.stressed());
        Admission.Ticket c = admit(3, 4, 10);
        assertTrue(a.stressed());
        c.release();
        assertFalse(a.stressed());
    }
}
