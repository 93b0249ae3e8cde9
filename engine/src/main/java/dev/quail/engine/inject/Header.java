package dev.quail.engine.inject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A message split into header fields (each kept with its original text, continuation lines included) and body,
 * as qmail-inject reads it. The header ends at the first empty line, or at the first line that is neither a
 * field nor a continuation (that line starts the body). Line ends are LF; CRLF input is normalised.
 */
public final class Header {
    /** One field: its name as written and its complete text including the final LF. */
    public record Field(String name, String text) {
        public String value() {
            String v = text.substring(text.indexOf(':') + 1);
            return v.replace("\n", "").strip();
        }

        public boolean is(String other) { return name.equalsIgnoreCase(other); }

        /** Everything after the colon except the final LF: the value with its folding. */
        String rawValue() {
            return text.substring(text.indexOf(':') + 1, text.length() - 1);
        }

        /** The same field with a new raw value. */
        Field withValue(String raw) {
            return new Field(name, text.substring(0, text.indexOf(':') + 1) + raw + "\n");
        }
    }

    private final List<Field> fields;
    private final byte[] body;

    private Header(List<Field> fields, byte[] body) {
        this.fields = fields;
        this.body = body;
    }

    public List<Field> fields() { return fields; }

    public byte[] body() { return body; }

    /** @throws IllegalArgumentException for a field name with unprintable characters (HDR-05) */
    public static Header parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
        List<Field> fields = new ArrayList<>();
        int pos = 0;
        while (pos < text.length()) {
            int end = text.indexOf('\n', pos);
            String line = end < 0 ? text.substring(pos) : text.substring(pos, end);
            int next = end < 0 ? text.length() : end + 1;
            if (line.isEmpty()) {
                pos = next;
                break;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && !fields.isEmpty()) {
                Field last = fields.remove(fields.size() - 1);
                fields.add(new Field(last.name(), last.text() + line + "\n"));
                pos = next;
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) break;
            String name = line.substring(0, colon).stripTrailing();
            for (char c : name.toCharArray()) {
                if (c <= 32 || c >= 127) throw new IllegalArgumentException("unable to parse header field name");
            }
            fields.add(new Field(name, line + "\n"));
            pos = next;
        }
        return new Header(fields, text.substring(pos).getBytes(StandardCharsets.ISO_8859_1));
    }

    public boolean has(String name) {
        for (Field f : fields) if (f.is(name)) return true;
        return false;
    }

    public boolean resent() {
        for (Field f : fields) if (f.name().toLowerCase(Locale.ROOT).startsWith("resent-")) return true;
        return false;
    }

    public byte[] render(List<Field> extra) {
        StringBuilder b = new StringBuilder();
        for (Field f : fields) b.append(f.text());
        for (Field f : extra) b.append(f.text());
        b.append('\n');
        byte[] head = b.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[head.length + body.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        return out;
    }

    /** The header with each field replaced by {@code f(field)}. */
    public Header map(java.util.function.UnaryOperator<Field> f) {
        List<Field> out = new ArrayList<>(fields.size());
        for (Field field : fields) out.add(f.apply(field));
        return new Header(out, body);
    }

    public Header without(List<String> names) {
        List<Field> kept = new ArrayList<>();
        for (Field f : fields) {
            boolean drop = false;
            for (String n : names) drop |= f.is(n);
            if (!drop) kept.add(f);
        }
        return new Header(kept, body);
    }
}
