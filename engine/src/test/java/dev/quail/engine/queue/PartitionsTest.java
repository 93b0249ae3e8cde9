package dev.quail.engine.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PartitionsTest {
    @Test
    void aSingleNodesIdsAreUnchanged() {
        assertEquals("k9x2f1", Partitions.SINGLE.place("k9x2f1"));
        assertEquals(0, Partitions.SINGLE.of("k9x2f1"));
        assertEquals("msg-", Partitions.SINGLE.persistenceIdPrefix(0).substring(0, 4));
    }

    @Test
    void anIdCarriesItsPartitionAndItsPersistenceIdStartsWithThePartitionsPrefix() {
        Partitions partitions = new Partitions(6);
        Set<Integer> seen = new HashSet<>();
        for (int n = 0; n < 600; n++) {
            String id = partitions.place(Long.toString(1_700_000_000_000L + n, 36) + ".node-1");
            int p = partitions.of(id);
            seen.add(p);
            assertTrue(Message.persistenceId(id).startsWith(partitions.persistenceIdPrefix(p)), id);
            for (int other = 0; other < 6; other++) {
                if (other != p) {
                    assertTrue(!Message.persistenceId(id).startsWith(partitions.persistenceIdPrefix(other)), id);
                }
            }
        }
        assertEquals(6, seen.size(), "new messages are spread over every partition");
    }

    @Test
    void placingIsAFunctionOfTheName() {
        Partitions partitions = new Partitions(6);
        assertEquals(partitions.place("1701.maildrop"), partitions.place("1701.maildrop"),
                "a maildrop file resubmitted after a crash keeps its id");
        assertEquals("4-bounce.node", partitions.in(4, "bounce.node"));
        assertEquals(4, partitions.of("4-bounce.node"));
    }

    @Test
    void twoDigitPartitionsAreNotPrefixesOfEachOther() {
        Partitions partitions = new Partitions(12);
        assertTrue(!Message.persistenceId(partitions.in(11, "x")).startsWith(partitions.persistenceIdPrefix(1)));
    }

    @Test
    void anIdWithoutAPartitionIsPlacedByItsHash() {
        Partitions partitions = new Partitions(6);
        assertEquals(partitions.of(partitions.place("k9x2f1")), partitions.of("k9x2f1"));
        assertEquals(partitions.of(partitions.place("99-x")), partitions.of("99-x"), "99 is no partition of 6");
    }

    @Test
    void atLeastOnePartition() {
        assertThrows(IllegalArgumentException.class, () -> new Partitions(0));
    }
}
