package dev.quail.engine.queue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * The journal's binary form of the {@link ScheduleIndex}'s update events and snapshots. Layout (big-endian): a
 * version byte (1), then a count of entries, each an id (int length + UTF-8), a due time and a size (longs); an
 * update then has a count of gone ids. Identifier 7702 is Quail's and must never change. Corrupt input is an
 * IllegalArgumentException, an unknown manifest a NotSerializableException, as Pekko expects.
 */
public final class ScheduleIndexSerializer extends SerializerWithStringManifest {
    public static final int IDENTIFIER = 7702;
    private static final byte VERSION = 1;
    private static final String UPDATED = "Updated";
    private static final String SNAPSHOT = "Snapshot";

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public String manifest(Object o) {
        if (o instanceof ScheduleIndex.Updated) return UPDATED;
        if (o instanceof ScheduleIndex.Snapshot) return SNAPSHOT;
        throw new IllegalArgumentException("not an index record: " + o.getClass().getName());
    }

    @Override
    public byte[] toBinary(Object o) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            if (o instanceof ScheduleIndex.Updated u) {
                writeEntries(out, u.asleep());
                out.writeInt(u.gone().size());
                for (String id : u.gone()) writeString(out, id);
            } else {
                writeEntries(out, ((ScheduleIndex.Snapshot) o).asleep());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        if (!manifest.equals(UPDATED) && !manifest.equals(SNAPSHOT)) {
            throw new NotSerializableException("unknown index record manifest: " + manifest);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            if (in.get() != VERSION) throw new IllegalArgumentException("unsupported index record version");
            List<ScheduleIndex.Asleep> asleep = readEntries(in);
            Object record;
            if (manifest.equals(UPDATED)) {
                int count = count(in, 4);
                List<String> gone = new ArrayList<>(count);
                for (int i = 0; i < count; i++) gone.add(readString(in));
                record = new ScheduleIndex.Updated(asleep, gone);
            } else {
                record = new ScheduleIndex.Snapshot(asleep);
            }
            if (in.hasRemaining()) throw new IllegalArgumentException(in.remaining() + " trailing bytes");
            return record;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated index record " + manifest, e);
        }
    }

    private static void writeEntries(DataOutputStream out, List<ScheduleIndex.Asleep> entries) throws IOException {
        out.writeInt(entries.size());
        for (ScheduleIndex.Asleep a : entries) {
            writeString(out, a.id());
            out.writeLong(a.due());
            out.writeLong(a.bytes());
        }
    }

    private static List<ScheduleIndex.Asleep> readEntries(ByteBuffer in) {
        int count = count(in, 20); // an entry takes at least 4 + 16 bytes
        List<ScheduleIndex.Asleep> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) out.add(new ScheduleIndex.Asleep(readString(in), in.getLong(), in.getLong()));
        return out;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(ByteBuffer in) {
        byte[] b = new byte[count(in, 1)];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static int count(ByteBuffer in, int minSize) {
        int n = in.getInt();
        if (n < 0 || (long) n * minSize > in.remaining()) {
            throw new IllegalArgumentException("bad count " + n + " with " + in.remaining() + " bytes left");
        }
        return n;
    }
}
