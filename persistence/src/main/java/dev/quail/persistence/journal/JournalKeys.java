/*
 * The journal's LevelDB key layout, and the key updates that make up a write
 * and a delete, in one place so that writer, reader and deleter agree byte for
 * byte.
 *
 *   event   'e' + pid (UTF-8) + 0x00 + seqNr (8 bytes, big-endian)  -> serialized PersistentRepr
 *   highest 'h' + pid (UTF-8)                                       -> seqNr (8 bytes, big-endian)
 *   chunk   'b' + pid (UTF-8) + 0x00 + index (4 bytes, big-endian)  -> one BodyStore.CHUNK of a body
 *   chunks  'c' + pid (UTF-8)                                       -> chunks stored (4 bytes, big-endian)
 *   snapshot 's' + pid (UTF-8) + 0x00 + seqNr (8 bytes, big-endian) -> a snapshot, as its serializer made it
 *   snapshots 'n' + pid (UTF-8)                                     -> the pid's SnapshotIndex
 *   probe   'p'                                                     -> never stored: the writer's health probe
 *                                                                      writes only its deletion (JournalWriter)
 *
 * Big-endian sequence numbers sort numerically under LevelDB's bytewise order,
 * so a pid's events are one contiguous, ordered key range. The 0x00 separator
 * is why a persistence id may not contain NUL: "a" would otherwise be a prefix
 * of "a\0b". A 'highest' key exists exactly while the pid holds an event, so
 * scanning the 'h' range lists the live persistence ids.
 *
 * Body chunks belong to the pid of the message they are the body of. The
 * 'chunks' key is rewritten with every chunk, so whoever deletes a body knows
 * which point deletes to make without an iterator over the 'b' range, where the
 * tombstones of every recently finished message lie. It exists exactly while
 * the pid holds a chunk, so the 'c' range lists the owners whose chunks an
 * interrupted message may have left behind (JournalStore's orphan sweep).
 *
 * Snapshots likewise: the 'snapshots' key lists a pid's snapshots (SnapshotIndex), so a load reads one snapshot
 * and a delete makes point deletes, and deleting a message needs one lookup to know it has none.
 */
package dev.quail.persistence.journal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.ReadOptions;
import org.iq80.leveldb.WriteBatch;

final class JournalKeys {
    static final byte EVENT = 'e';
    static final byte HIGHEST = 'h';
    static final byte CHUNK = 'b';
    static final byte CHUNK_COUNT = 'c';
    static final byte SNAPSHOT = 's';
    static final byte SNAPSHOT_INDEX = 'n';
    static final byte[] PROBE = {'p'};

    private JournalKeys() {
    }

    static void checkPid(String pid) {
        if (pid.isEmpty() || pid.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("persistence id must be non-empty and free of NUL: " + pid);
        }
    }

    /** 'e' + pid + 0x00: every event key of the pid starts with this. */
    static byte[] eventPrefix(String pid) {
        return tagged(EVENT, pid, 1);
    }

    static byte[] eventKey(byte[] prefix, long seqNr) {
        return ByteBuffer.allocate(prefix.length + 8).put(prefix).putLong(seqNr).array();
    }

    static byte[] eventKey(String pid, long seqNr) {
        return eventKey(eventPrefix(pid), seqNr);
    }

    /** The sequence number of {@code key} if it is an event key of this prefix, else -1. */
    static long seqNrOf(byte[] prefix, byte[] key) {
        if (key.length != prefix.length + 8
                || !Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
            return -1;
        }
        return ByteBuffer.wrap(key, prefix.length, 8).getLong();
    }

    static byte[] highestKey(String pid) {
        return tagged(HIGHEST, pid, 0);
    }

    static boolean isHighestKey(byte[] key) {
        return key.length > 1 && key[0] == HIGHEST;
    }

    /** The pid of a key made of one tag byte and the pid: a 'highest' or a 'chunks' key. */
    static String pidOfTaggedKey(byte[] key) {
        return new String(key, 1, key.length - 1, StandardCharsets.UTF_8);
    }

    static byte[] chunkKey(String owner, int index) {
        byte[] key = tagged(CHUNK, owner, 1 + 4);
        ByteBuffer.wrap(key).putInt(key.length - 4, index);
        return key;
    }

    static byte[] chunkCountKey(String owner) {
        return tagged(CHUNK_COUNT, owner, 0);
    }

    static boolean isChunkCountKey(byte[] key) {
        return key.length > 1 && key[0] == CHUNK_COUNT;
    }

    /** Adds chunk {@code index} of {@code owner}, and the owner's chunk count as of that chunk. */
    static void putChunk(WriteBatch batch, String owner, int index, byte[] chunk) {
        batch.put(chunkKey(owner, index), chunk);
        batch.put(chunkCountKey(owner), ByteBuffer.allocate(4).putInt(index + 1).array());
    }

    /**
     * Adds the deletion of the owner's first {@code count} chunks, and of any more its count key records, and of
     * that key. The count is the caller's too because chunks put earlier in the same batch are not in {@code db}.
     */
    static void deleteChunks(DB db, WriteBatch batch, String owner, int count) {
        byte[] stored = db.get(chunkCountKey(owner));
        if (stored == null && count == 0) {
            return;
        }
        int all = Math.max(count, stored == null ? 0 : ByteBuffer.wrap(stored).getInt());
        for (int index = 0; index < all; index++) {
            batch.delete(chunkKey(owner, index));
        }
        batch.delete(chunkCountKey(owner));
    }

    static byte[] snapshotKey(String pid, long seqNr) {
        return eventKey(tagged(SNAPSHOT, pid, 1), seqNr);
    }

    static byte[] snapshotIndexKey(String pid) {
        return tagged(SNAPSHOT_INDEX, pid, 0);
    }

    static SnapshotIndex snapshotIndex(DB db, String pid, ReadOptions options) {
        byte[] stored = db.get(snapshotIndexKey(pid), options);
        return stored == null ? SnapshotIndex.EMPTY : SnapshotIndex.decode(stored);
    }

    /** Adds the snapshot {@code entry} of the pid, in place of any at its sequence number. */
    static void putSnapshot(DB db, WriteBatch batch, String pid, SnapshotIndex.Entry entry, byte[] bytes) {
        batch.put(snapshotKey(pid, entry.seqNr()), bytes);
        batch.put(snapshotIndexKey(pid), snapshotIndex(db, pid, new ReadOptions()).with(entry).encode());
    }

    /** Adds the deletion of the pid's snapshots that match {@code which}, and of its index if none is left. */
    static void deleteSnapshots(DB db, WriteBatch batch, String pid, Predicate<SnapshotIndex.Entry> which) {
        SnapshotIndex index = snapshotIndex(db, pid, new ReadOptions());
        List<SnapshotIndex.Entry> deleted = index.entries().stream().filter(which).toList();
        if (deleted.isEmpty()) {
            return;
        }
        deleted.forEach(entry -> batch.delete(snapshotKey(pid, entry.seqNr())));
        SnapshotIndex left = index.without(which);
        if (left.entries().isEmpty()) {
            batch.delete(snapshotIndexKey(pid));
        } else {
            batch.put(snapshotIndexKey(pid), left.encode());
        }
    }

    /** Adds the keys of {@code events}: each event, and the new highest sequence number of each pid. */
    static void putEvents(WriteBatch batch, List<JournalStore.Event> events) {
        Map<String, Long> highest = new HashMap<>();
        for (JournalStore.Event event : events) {
            batch.put(eventKey(event.pid(), event.seqNr()), event.bytes());
            highest.merge(event.pid(), event.seqNr(), Math::max);
        }
        highest.forEach((pid, seqNr) -> batch.put(highestKey(pid), encodeLong(seqNr)));
    }

    /**
     * Adds the deletion of the pid's stored events up to toSeqNr, and of its highest key, its body's chunks and
     * its snapshots if none is left.
     * Point deletes of the keys 1..min(toSeqNr, highest), never an iterator: a LevelDB iterator has to step over
     * the tombstones of every recently finished message, which made each delete cost O(queue history).
     * Deleting a key that an earlier partial delete already removed is harmless.
     */
    static void deleteUpTo(DB db, WriteBatch batch, String pid, long toSeqNr) {
        byte[] stored = db.get(highestKey(pid));
        if (stored == null) {
            return;
        }
        long highest = decodeLong(stored);
        byte[] prefix = eventPrefix(pid);
        for (long seqNr = 1; seqNr <= Math.min(toSeqNr, highest); seqNr++) {
            batch.delete(eventKey(prefix, seqNr));
        }
        if (toSeqNr >= highest) {
            batch.delete(highestKey(pid));
            deleteChunks(db, batch, pid, 0);
            deleteSnapshots(db, batch, pid, snapshot -> true);
        }
    }

    /** tag + pid (UTF-8) + {@code room} zero bytes, the first of which is the 0x00 separator where there is one. */
    private static byte[] tagged(byte tag, String pid, int room) {
        byte[] id = pid.getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[1 + id.length + room];
        key[0] = tag;
        System.arraycopy(id, 0, key, 1, id.length);
        return key;
    }

    static byte[] encodeLong(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    static long decodeLong(byte[] bytes) {
        return ByteBuffer.wrap(bytes).getLong();
    }
}
