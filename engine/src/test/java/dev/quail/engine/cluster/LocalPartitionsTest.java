package dev.quail.engine.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quail.engine.queue.Partitions;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocalPartitionsTest {
    static final Partitions PARTITIONS = new Partitions(6);

    static Set<Integer> placed(LocalPartitions local) {
        Set<Integer> placed = new HashSet<>();
        for (int n = 0; n < 300; n++) placed.add(PARTITIONS.of(local.place(Integer.toString(n, 36) + ".n1")));
        return placed;
    }

    @Test
    void newMessagesGoToThePartitionsRunningHere() {
        LocalPartitions local = new LocalPartitions(PARTITIONS);
        local.running(Set.of(1, 4));
        assertEquals(Set.of(1, 4), placed(local));
    }

    @Test
    void aNodeRunningNoneSpreadsOverAll() {
        LocalPartitions local = new LocalPartitions(PARTITIONS);
        assertEquals(Set.of(0, 1, 2, 3, 4, 5), placed(local));
        local.running(Set.of(2));
        local.running(Set.of());
        assertEquals(Set.of(0, 1, 2, 3, 4, 5), placed(local));
    }
}
