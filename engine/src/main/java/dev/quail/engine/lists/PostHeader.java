package dev.quail.engine.lists;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The header of a message as the queue stores it (LF line ends), read field by field up to the empty line that
 * ends it, so the body behind it can be streamed on. Octets are kept as they are (ISO-8859-1 in, ISO-8859-1 out).
 * At most {@link #MAX_BYTES} octets are read: a larger header is refused, not buffered.
 */
record PostHeader(List<Field> fields) {
    static final int MAX_BYTES = 256 * 1024;

    /** A field with its continuation lines, without its last LF. */
    record Field(String name, String text) {
        /** The value, unfolded, trimmed. */
        String value() {
            int colon = text.indexOf(':');
            return text.substring(colon + 1).replaceAll("\n[ \t]+", " ").strip();
        }
    }

    /** A header larger than {@link #MAX_BYTES}. */
    static final class TooLarge extends Exception {
        TooLarge() {
            super("the header is larger than " + MAX_BYTES + " octets", null, false, false);
        }
    }

    /** Reads up to and including the empty line (or the end of a message without a body). */
    static PostHeader read(InputStream in) throws IOException, TooLarge {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        long total = 0;
        for (int c; (c = in.read()) >= 0; ) {
            if (++total > MAX_BYTES) throw new TooLarge();
            if (c != '\n') {
                line.write(c);
                continue;
            }
            if (line.size() == 0) break;
            lines.add(line.toString(StandardCharsets.ISO_8859_1));
            line.reset();
        }
        if (line.size() > 0) lines.add(line.toString(StandardCharsets.ISO_8859_1)); // a last line without LF
        List<Field> fields = new ArrayList<>();
        StringBuilder current = null;
        for (String l : lines) {
            boolean continuation = l.charAt(0) == ' ' || l.charAt(0) == '\t';
            if (continuation && current != null) {
                current.append('\n').append(l);
                continue;
            }
            if (current != null) fields.add(field(current.toString()));
            current = new StringBuilder(l);
        }
        if (current != null) fields.add(field(current.toString()));
        return new PostHeader(fields);
    }

    private static Field field(String text) {
        int colon = text.indexOf(':');
        return new Field(colon < 0 ? "" : text.substring(0, colon).strip().toLowerCase(Locale.ROOT), text);
    }

    List<String> values(String name) {
        return fields.stream().filter(f -> f.name().equals(name)).map(Field::value).toList();
    }

    Optional<String> first(String name) {
        return values(name).stream().findFirst();
    }

    /** The header without the fields named in {@code dropped}, as octets, each field LF-terminated. */
    byte[] without(Set<String> dropped) {
        StringBuilder b = new StringBuilder();
        for (Field f : fields) if (!dropped.contains(f.name())) b.append(f.text()).append('\n');
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
