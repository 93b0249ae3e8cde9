package dev.quail.engine.cluster;

import dev.quail.engine.queue.Partitions;
import java.util.Set;

/**
 * Which queue partitions run on this node, as QueueShards last saw them, and where this node's front ends place
 * the messages they accept: in a partition of their own node. A submission then never crosses nodes, and while
 * another node is dead but not yet downed (some 20 s after a kill -9), mail accepted here does not wait for a
 * partition that cannot answer. A node that runs none (it just joined, or there are more nodes than partitions)
 * places by the id's hash, over all of them. Thread-safe: every front end draws from it.
 */
public final class LocalPartitions {
    private final Partitions partitions;
    private volatile int[] local = new int[0];

    public LocalPartitions(Partitions partitions) {
        this.partitions = partitions;
    }

    /** The id a new message drawn as {@code raw} goes by. */
    public String place(String raw) {
        int[] here = local;
        return here.length == 0 ? partitions.place(raw) : partitions.in(here[Math.floorMod(raw.hashCode(),
                here.length)], raw);
    }

    void running(Set<Integer> partitionsHere) {
        local = partitionsHere.stream().mapToInt(Integer::intValue).sorted().toArray();
    }
}
