package dev.quail.engine.lists;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A list's subscribers in ezmlm's layout (EZ-40), so an ezmlm list's {@code subscribers/} can be copied in: 53
 * bucket files named {@code @} to {@code t}, each a run of records {@code T} + address + NUL, the bucket chosen by
 * the idx hash of the lower-cased address. Reading streams one record at a time, so a list of any size costs a
 * record of heap; a change rewrites only the buckets it touches, each through {@link AtomicFile} (a crash leaves
 * every bucket old or new, never torn), one pass per bucket whatever the number of addresses changed in it.
 * Callers hold the list's lock for changes.
 */
public final class Subscribers {
    static final int BUCKETS = 53;
    /** A record longer than this is not one ezmlm or Quail wrote: the file is damaged, and reading it stops. */
    private static final int MAX_RECORD = Member.MAX_BYTES + 2;

    /** What each member is handed to, in turn. */
    public interface Visitor {
        void visit(String member) throws IOException;
    }

    private final Path dir;

    Subscribers(Path dir) {
        this.dir = dir;
    }

    /** idx's subhash: h = 5381, h = (h * 33) ^ byte over "T" + the lower-cased address, bucket '@' + h mod 53. */
    static char bucket(String member) {
        long h = 5381;
        for (byte b : ("T" + Member.key(member)).getBytes(StandardCharsets.UTF_8)) {
            h = ((h * 33) ^ (b & 0xff)) & 0xffffffffL;
        }
        return (char) ('@' + h % BUCKETS);
    }

    /** Every member, bucket after bucket, in stored order. */
    public void forEach(Visitor visitor) throws IOException {
        for (int i = 0; i < BUCKETS; i++) read((char) ('@' + i), visitor);
    }

    /** Members {@code offset} on, at most {@code limit} of them, in stored order, and how many there are in all. */
    public record Page(long total, List<String> members) {}

    /** One page of the members: a pass over the list that keeps only the page, whatever the list's size. */
    public Page page(long offset, int limit) throws IOException {
        List<String> members = new ArrayList<>(Math.min(limit, 1024));
        long[] n = {0};
        forEach(m -> {
            if (n[0] >= offset && members.size() < limit) members.add(m);
            n[0]++;
        });
        return new Page(n[0], members);
    }

    public long count() throws IOException {
        long[] n = {0};
        forEach(m -> n[0]++);
        return n[0];
    }

    public boolean contains(String member) throws IOException {
        String key = Member.key(member);
        boolean[] found = {false};
        read(bucket(member), m -> found[0] |= Member.key(m).equals(key));
        return found[0];
    }

    /** Adds those not there yet (compared ignoring case); returns those added. */
    public List<String> add(Collection<String> members) throws IOException {
        return change(members, true);
    }

    /** Removes those there; returns those removed, as they were stored. */
    public List<String> remove(Collection<String> members) throws IOException {
        return change(members, false);
    }

    private List<String> change(Collection<String> members, boolean adding) throws IOException {
        Map<Character, Map<String, String>> byBucket = new HashMap<>();
        for (String m : members) {
            byBucket.computeIfAbsent(bucket(m), b -> new LinkedHashMap<>()).putIfAbsent(Member.key(m), m);
        }
        List<String> changed = new ArrayList<>();
        Files.createDirectories(dir);
        for (Map.Entry<Character, Map<String, String>> e : byBucket.entrySet()) {
            rewrite(e.getKey(), e.getValue(), adding, changed);
        }
        return changed;
    }

    private void rewrite(char bucket, Map<String, String> wanted, boolean adding, List<String> changed)
            throws IOException {
        Set<String> found = new HashSet<>();
        List<String> bucketChanged = new ArrayList<>();
        AtomicFile.replace(dir.resolve(String.valueOf(bucket)), out -> {
            read(bucket, m -> {
                String key = Member.key(m);
                if (!wanted.containsKey(key)) {
                    write(out, m);
                } else if (adding) {
                    found.add(key);
                    write(out, m);
                } else {
                    bucketChanged.add(m);
                }
            });
            if (adding) {
                for (Map.Entry<String, String> w : wanted.entrySet()) {
                    if (found.contains(w.getKey())) continue;
                    write(out, w.getValue());
                    bucketChanged.add(w.getValue());
                }
            }
        });
        changed.addAll(bucketChanged);
    }

    private static void write(OutputStream out, String member) throws IOException {
        out.write('T');
        out.write(member.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }

    private void read(char bucket, Visitor visitor) throws IOException {
        InputStream raw;
        try {
            raw = Files.newInputStream(dir.resolve(String.valueOf(bucket)));
        } catch (NoSuchFileException e) {
            return; // ezmlm: a missing bucket is an empty one
        }
        try (InputStream in = new BufferedInputStream(raw, 64 * 1024)) {
            ByteArrayOutputStream record = new ByteArrayOutputStream(64);
            for (int c; (c = in.read()) >= 0; ) {
                if (c != 0) {
                    if (record.size() >= MAX_RECORD) {
                        throw new IOException("damaged subscriber file " + dir.resolve(String.valueOf(bucket))
                                + ": a record longer than " + MAX_RECORD + " octets");
                    }
                    record.write(c);
                    continue;
                }
                byte[] r = record.toByteArray();
                record.reset();
                if (r.length > 1 && r[0] == 'T') visitor.visit(new String(r, 1, r.length - 1, StandardCharsets.UTF_8));
            }
        }
    }
}
