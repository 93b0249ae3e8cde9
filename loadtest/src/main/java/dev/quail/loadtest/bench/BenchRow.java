/*
 * BenchRow: one line of loadtest/results/bench.csv, as bench.sh writes it:
 *
 *   workload,description,system,unit,accept_rate,end_to_end_rate,end_to_end_seconds,cpu_seconds,
 *   system_cpu_seconds,peak_memory_mib,status
 *
 * Columns are found by name, so the CSVs written before system_cpu_seconds was added read the same.
 * Numbers may be "n/a" (a workload a system could not run, e.g. Quail's relay rows before remote
 * delivery); status is "ok" or a short reason. Fields never contain commas.
 */
package dev.quail.loadtest.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

record BenchRow(String workload, String description, String system, String unit, OptionalDouble endToEndRate) {

    static final String HEADER = "workload,description,system,unit,accept_rate,end_to_end_rate,end_to_end_seconds,"
            + "cpu_seconds,system_cpu_seconds,peak_memory_mib,status";

    /** The columns a chart needs. */
    private static final List<String> NEEDED = List.of("workload", "description", "system", "unit", "end_to_end_rate");

    static List<BenchRow> parse(List<String> lines) {
        List<String> header = lines.isEmpty() ? List.of() : List.of(lines.get(0).trim().split(",", -1));
        if (!header.containsAll(NEEDED) || !header.contains("status")) {
            throw new IllegalArgumentException("not a bench CSV: the header must name " + String.join(", ", NEEDED)
                    + " and status, as " + HEADER + " does");
        }
        int[] at = NEEDED.stream().mapToInt(header::indexOf).toArray();
        List<BenchRow> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length != header.size()) {
                throw new IllegalArgumentException("expected " + header.size() + " fields: " + line);
            }
            rows.add(new BenchRow(f[at[0]], f[at[1]], f[at[2]], f[at[3]], number(f[at[4]])));
        }
        return rows;
    }

    private static OptionalDouble number(String field) {
        try {
            return OptionalDouble.of(Double.parseDouble(field));
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }
}
