/*
 * Readers for qmail control files, with qmail's rules (control.c):
 *  CTL-01 single-value: the first line only, trailing spaces/tabs stripped; numbers are unsigned decimal read
 *         like scan_ulong (the leading digits: "20x" is 20); no leading digit ⇒ the default is kept.
 *  CTL-02 list: one entry per line, trailing whitespace stripped, blank lines and lines starting with '#'
 *         ignored. Leading whitespace is kept, as in qmail.
 *  CTL-03 map: `key:value` list lines split at the first ':', lines without ':' ignored, keys folded to
 *         lower case (lookups are case-insensitive), a later duplicate key wins.
 *  CTL-04 a missing file gives the default; any other failure to read is an IOException, so the caller
 *         refuses to run (or defers) instead of silently using defaults.
 * Quail departures: a CR before the newline is stripped too (files edited on Windows), and a single-value
 * file whose first line is blank counts as missing, so the `me` fallbacks apply instead of an empty name.
 * Numbers too large for a long are treated as unparsable.
 */
package dev.quail.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

public final class ControlFiles {
    private ControlFiles() {}

    /** CTL-01: the first line, stripped; empty if the file is missing or its first line is blank. */
    public static Optional<String> line(Path file) throws IOException {
        Optional<List<String>> lines = rawLines(file);
        if (lines.isEmpty() || lines.get().isEmpty()) return Optional.empty();
        String first = stripTrailing(lines.get().get(0));
        return first.isEmpty() ? Optional.empty() : Optional.of(first);
    }

    public static String line(Path file, String dflt) throws IOException {
        return line(file).orElse(dflt);
    }

    /** CTL-01: an unsigned decimal number (leading digits), else {@code dflt}. */
    public static long number(Path file, long dflt) throws IOException {
        Optional<String> value = line(file);
        if (value.isEmpty()) return dflt;
        String s = value.get();
        int end = 0;
        while (end < s.length() && s.charAt(end) >= '0' && s.charAt(end) <= '9') end++;
        if (end == 0) return dflt;
        try {
            return Long.parseLong(s.substring(0, end));
        } catch (NumberFormatException tooLarge) {
            return dflt;
        }
    }

    /** CTL-02: the entries, or {@code dflt} if the file is missing (an existing empty file gives none). */
    public static List<String> list(Path file, List<String> dflt) throws IOException {
        Optional<List<String>> lines = rawLines(file);
        if (lines.isEmpty()) return dflt;
        List<String> entries = new ArrayList<>();
        for (String raw : lines.get()) {
            String line = stripTrailing(raw);
            if (!line.isEmpty() && line.charAt(0) != '#') entries.add(line);
        }
        return List.copyOf(entries);
    }

    public static List<String> list(Path file) throws IOException {
        return list(file, List.of());
    }

    /** CTL-03: `key:value` entries in file order, keys lower-cased, later duplicates winning. */
    public static Map<String, String> map(Path file) throws IOException {
        Map<String, String> map = new LinkedHashMap<>();
        for (String entry : list(file)) {
            int colon = entry.indexOf(':');
            if (colon < 0) continue;
            String key = Ascii.lower(entry.substring(0, colon));
            map.remove(key); // keep file order of the winning line
            map.put(key, entry.substring(colon + 1));
        }
        return map;
    }

    /** The file's lines exactly as stored (split at '\n'), or empty if the file does not exist. */
    static Optional<List<String>> rawLines(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException missing) {
            return Optional.empty();
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (lines.get(lines.size() - 1).isEmpty()) lines.remove(lines.size() - 1); // after the final newline
        return Optional.of(lines);
    }

    static String stripTrailing(String s) {
        int end = s.length();
        while (end > 0) {
            char c = s.charAt(end - 1);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') break;
            end--;
        }
        return s.substring(0, end);
    }
}
