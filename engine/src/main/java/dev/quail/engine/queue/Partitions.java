package dev.quail.engine.queue;

/**
 * The queue's partitions on a cluster: the message-id space is cut into {@code count} partitions, each served by
 * one Queue somewhere in the cluster (sharded: a partition moves when its node leaves). A message's partition is
 * written at the front of its id ("3-k9x2f1.node1"), so a partition's messages are the persistence ids that start
 * with {@link #persistenceIdPrefix}: a partition restarting on another node finds them with one range scan of the
 * journal's key instead of reading the whole journal. The prefix is a function of the rest of the id, so a
 * maildrop file resubmitted after a crash lands in the same partition under the same id. A single node has one
 * partition and ids without a prefix.
 */
public record Partitions(int count) {
    public static final Partitions SINGLE = new Partitions(1);

    public Partitions {
        if (count < 1) throw new IllegalArgumentException("partitions must be at least 1, not " + count);
    }

    /** The id a message drawn as {@code raw} goes by: {@code raw} in its partition. */
    public String place(String raw) {
        return count == 1 ? raw : in(Math.floorMod(raw.hashCode(), count), raw);
    }

    /** {@code raw} in partition {@code partition}: what a partition's own messages (bounces, forwards) are called. */
    public String in(int partition, String raw) {
        return count == 1 ? raw : partition + "-" + raw;
    }

    /** The partition of message {@code id}; ids without a partition (a single node's) are placed as new ones. */
    public int of(String id) {
        if (count == 1) return 0;
        int dash = id.indexOf('-');
        if (dash > 0) {
            try {
                int partition = Integer.parseInt(id, 0, dash, 10);
                if (partition >= 0 && partition < count) return partition;
            } catch (NumberFormatException e) {
                // not a partition prefix: placed below, like an id that has none
            }
        }
        return Math.floorMod(id.hashCode(), count);
    }

    /** What the persistence ids of partition {@code partition}'s messages start with. */
    public String persistenceIdPrefix(int partition) {
        return Message.persistenceId(partition + "-");
    }
}
