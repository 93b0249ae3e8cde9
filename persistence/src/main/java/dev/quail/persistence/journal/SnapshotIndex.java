/*
 * SnapshotIndex: what the journal knows of one persistence id's snapshots without reading them: for each, its
 * sequence number, its timestamp, and the serializer id and manifest its bytes were made with. It lives under one
 * key per pid (JournalKeys), is small (Pekko keeps a few snapshots of an actor), and is rewritten whole by the
 * writer thread on every save and delete. A load reads the index, picks its snapshot, and reads only that one:
 * iq80 has no reverse iteration, and stepping over a pid's snapshots would read each of them, tens of MB apiece.
 * With serializer and manifest here, a snapshot's bytes are exactly what its serializer made, so a large one is
 * not copied into a wrapper on save nor out of one on load.
 */
package dev.quail.persistence.journal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

record SnapshotIndex(List<Entry> entries) {
    /** One snapshot: at {@code seqNr}, taken at {@code timestamp}, its bytes made by serializer/manifest. */
    record Entry(long seqNr, long timestamp, int serializerId, String manifest) {
    }

    /** A snapshot read back: its entry and its bytes. */
    record Loaded(Entry entry, byte[] bytes) {
    }

    static final SnapshotIndex EMPTY = new SnapshotIndex(List.of());

    SnapshotIndex {
        entries = List.copyOf(entries);
    }

    /** This index with {@code entry} in place of any at its sequence number, in sequence order. */
    SnapshotIndex with(Entry entry) {
        List<Entry> all = new ArrayList<>(without(e -> e.seqNr() == entry.seqNr()).entries);
        all.add(entry);
        all.sort(Comparator.comparingLong(Entry::seqNr));
        return new SnapshotIndex(all);
    }

    SnapshotIndex without(Predicate<Entry> which) {
        return new SnapshotIndex(entries.stream().filter(which.negate()).toList());
    }

    /** The entry with the highest sequence number of those that match. */
    Optional<Entry> latest(Predicate<Entry> matching) {
        return entries.stream().filter(matching).max(Comparator.comparingLong(Entry::seqNr));
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(entries.size());
            for (Entry entry : entries) {
                out.writeLong(entry.seqNr());
                out.writeLong(entry.timestamp());
                out.writeInt(entry.serializerId());
                out.writeUTF(entry.manifest());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static SnapshotIndex decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int count = in.readInt();
            List<Entry> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                entries.add(new Entry(in.readLong(), in.readLong(), in.readInt(), in.readUTF()));
            }
            return new SnapshotIndex(entries);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt snapshot index", e);
        }
    }
}
