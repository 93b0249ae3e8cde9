/*
 * The journal's LevelDB key layout, and the key updates that make up a write
 * and a delete, in one place so that writer, reader and deleter agree byte for
 * byte.
 *
 *   event   'e' + pid (UTF-8) + 0x00 + seqNr (8 bytes, big-endian)  -> serialized PersistentRepr
 *   highest 'h' + pid (UTF-8)                                       -> seqNr (8 bytes, big-endian)
 *
 * Big-endian sequence numbers sort numerically under LevelDB's bytewise order,
 * so a pid's events are one contiguous, ordered key range. The 0x00 separator
 * is why a persistence id may not contain NUL: "a" would otherwise be a prefix
 * of "a\0b". A 'highest' key exists exactly while the pid holds an event, so
 * scanning the 'h' range lists the live persistence ids.
 */
package dev.quail.persistence.journal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.WriteBatch;

final class JournalKeys {
    static final byte EVENT = 'e';
    static final byte HIGHEST = 'h';

    private JournalKeys() {
    }

    static void checkPid(String pid) {
        if (pid.isEmpty() || pid.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("persistence id must be non-empty and free of NUL: " + pid);
        }
    }

    /** 'e' + pid + 0x00: every event key of the pid starts with this. */
    static byte[] eventPrefix(String pid) {
        byte[] id = pid.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = new byte[id.length + 2];
        prefix[0] = EVENT;
        System.arraycopy(id, 0, prefix, 1, id.length);
        return prefix;
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
        byte[] id = pid.getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[id.length + 1];
        key[0] = HIGHEST;
        System.arraycopy(id, 0, key, 1, id.length);
        return key;
    }

    static boolean isHighestKey(byte[] key) {
        return key.length > 1 && key[0] == HIGHEST;
    }

    static String pidOfHighestKey(byte[] key) {
        return new String(key, 1, key.length - 1, StandardCharsets.UTF_8);
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
     * Adds the deletion of the pid's stored events up to toSeqNr, and of its highest key if none is left.
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
        }
    }

    static byte[] encodeLong(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    static long decodeLong(byte[] bytes) {
        return ByteBuffer.wrap(bytes).getLong();
    }
}
