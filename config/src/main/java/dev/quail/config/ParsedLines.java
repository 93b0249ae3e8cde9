/*
 * A list control file read entry by entry: what each line parses to, and the lines that parse to nothing, kept so
 * that showctl and the server's log can point at them while the rest of the file still applies.
 */
package dev.quail.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

record ParsedLines<T>(List<T> entries, List<String> invalid) {

    static <T> ParsedLines<T> of(List<String> lines, Function<String, Optional<T>> entry) {
        List<T> entries = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        for (String line : lines) {
            Optional<T> parsed = entry.apply(line);
            if (parsed.isPresent()) entries.add(parsed.get());
            else invalid.add(line);
        }
        return new ParsedLines<>(List.copyOf(entries), List.copyOf(invalid));
    }
}
