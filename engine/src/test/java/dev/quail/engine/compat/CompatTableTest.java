package dev.quail.engine.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/qmail-compat.md stays true: every test it cites exists, every row has one status, no ID has two rows, and an
 * ID that a test cites has a row when its family (SMTP, DQ, ...) is one the table covers. Run from engine/, as
 * Maven runs it, so the repository is "..".
 */
class CompatTableTest {
    private static final Path ROOT = Path.of("..");
    private static final Path TABLE = ROOT.resolve("docs/qmail-compat.md");
    private static final Set<String> STATUSES = Set.of("same", "different", "not done");
    private static final Pattern PYTHON = Pattern.compile("(test_\\w+\\.py)::(\\w+)\\.(\\w+)");
    private static final Pattern JAVA = Pattern.compile("(config|persistence|protocols|engine|loadtest)/([\\w/]+)#(\\w+)");
    private static final Pattern CITATION = Pattern.compile("`([^`]+)`");
    private static final Pattern ID = Pattern.compile("\\b([A-Z][A-Z0-9]*)-\\d{2}\\b");

    /** One row: its ID, status and the tests it cites. */
    private record Row(String id, String status, List<String> tests) {}

    private static List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(TABLE)) {
            if (!line.startsWith("| ") || line.startsWith("| ID |")) continue;
            // A cell may hold an escaped pipe (\|): split only at the others.
            String[] cells = line.substring(2, line.length() - 2).split(" (?<!\\\\)\\| ", -1);
            assertEquals(5, cells.length, "a row has five cells: " + line);
            List<String> tests = new ArrayList<>();
            Matcher m = CITATION.matcher(cells[4]);
            while (m.find()) tests.add(m.group(1));
            rows.add(new Row(cells[0], cells[3], tests));
        }
        return rows;
    }

    @Test
    void everyRowHasOneIdAndAStatus() throws IOException {
        List<Row> rows = rows();
        assertTrue(rows.size() > 250, "the table lost rows: " + rows.size());
        Set<String> seen = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (Row r : rows) {
            if (!seen.add(r.id())) problems.add(r.id() + " has two rows");
            if (!STATUSES.contains(r.status())) problems.add(r.id() + ": status '" + r.status() + "'");
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyCitedTestExists() throws IOException {
        List<String> missing = new ArrayList<>();
        Map<Path, String> sources = new HashMap<>();
        for (Row r : rows()) {
            for (String test : r.tests()) {
                if (!exists(test, sources)) missing.add(r.id() + ": " + test);
            }
        }
        assertEquals(List.of(), missing, "docs/qmail-compat.md cites tests that do not exist");
    }

    @Test
    void everyIdATestCitesHasARowWhenTheTableCoversItsFamily() throws IOException {
        Set<String> ids = new HashSet<>();
        Set<String> families = new HashSet<>();
        for (Row r : rows()) {
            ids.add(r.id());
            Matcher m = ID.matcher(r.id());
            if (m.matches()) families.add(m.group(1));
        }
        Set<String> unknown = new TreeSet<>();
        List<Path> tests = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ROOT.resolve("src/test/system"), 1)) {
            files.filter(f -> f.getFileName().toString().matches("test_\\w+\\.py")).forEach(tests::add);
        }
        for (String module : List.of("config", "persistence", "protocols", "engine", "loadtest")) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/test/java"))) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(tests::add);
            }
        }
        for (Path file : tests) {
            Matcher m = ID.matcher(Files.readString(file));
            while (m.find()) {
                if (families.contains(m.group(1)) && !ids.contains(m.group())) unknown.add(m.group() + " in " + file);
            }
        }
        assertEquals(Set.of(), unknown, "tests cite IDs that docs/qmail-compat.md has no row for");
    }

    private static boolean exists(String citation, Map<Path, String> sources) throws IOException {
        Matcher py = PYTHON.matcher(citation);
        if (py.matches()) {
            String source = read(ROOT.resolve("src/test/system").resolve(py.group(1)), sources);
            return source != null && pythonTest(source, py.group(2), py.group(3));
        }
        Matcher java = JAVA.matcher(citation);
        if (java.matches()) {
            Path file = ROOT.resolve(java.group(1)).resolve("src/test/java/dev/quail").resolve(java.group(1))
                    .resolve(java.group(2) + ".java");
            String source = read(file, sources);
            // The test annotation, then the method, with no blank line and no other method between them.
            return source != null && Pattern.compile("@(Test|ParameterizedTest|RepeatedTest)\\b"
                    + "(?:(?!\\n[ \\t]*\\n)(?!\\bvoid\\b)[\\s\\S])*\\bvoid\\s+" + Pattern.quote(java.group(3))
                    + "\\s*\\(").matcher(source).find();
        }
        return false;
    }

    /** A {@code def test...} directly inside {@code class Name}. */
    private static boolean pythonTest(String source, String className, String method) {
        String current = null;
        for (String line : source.split("\n")) {
            if (line.startsWith("class ")) current = line.substring(6).split("[(:]")[0].strip();
            else if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) current = null;
            else if (className.equals(current) && line.startsWith("    def " + method + "(")) return true;
        }
        return false;
    }

    private static String read(Path file, Map<Path, String> sources) throws IOException {
        if (!sources.containsKey(file)) sources.put(file, Files.exists(file) ? Files.readString(file) : null);
        return sources.get(file);
    }
}
