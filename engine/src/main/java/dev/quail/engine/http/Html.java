package dev.quail.engine.http;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * A piece of HTML that escapes by default: {@link #of} fills a template's {@code {}} holes in order, inserting
 * another Html (or a collection of them) as it is and escaping everything else, so an address or a subject, which
 * are hostile input, can only ever be text. The template itself is trusted: always a literal in the code.
 */
final class Html {
    private final String markup;

    private Html(String markup) {
        this.markup = markup;
    }

    static Html of(String template, Object... values) {
        StringBuilder b = new StringBuilder(template.length() + 64);
        int from = 0;
        for (Object value : values) {
            int hole = template.indexOf("{}", from);
            if (hole < 0) throw new IllegalArgumentException("more values than holes in " + template);
            b.append(template, from, hole).append(markup(value));
            from = hole + 2;
        }
        if (template.indexOf("{}", from) >= 0) throw new IllegalArgumentException("a hole left in " + template);
        return new Html(b.append(template, from, template.length()).toString());
    }

    static Html join(Collection<Html> parts) {
        return new Html(parts.stream().map(h -> h.markup).collect(Collectors.joining()));
    }

    /** Text made safe in an element or a quoted attribute. */
    static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String markup(Object value) {
        if (value instanceof Html h) return h.markup;
        if (value instanceof Collection<?> parts) {
            return parts.stream().map(Html::markup).collect(Collectors.joining());
        }
        return escape(String.valueOf(value));
    }

    @Override
    public String toString() {
        return markup;
    }
}
