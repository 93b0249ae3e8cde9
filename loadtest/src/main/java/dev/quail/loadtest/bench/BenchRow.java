/*
 * BenchRow: one line of loadtest/results/bench.csv, as bench.sh writes it:
 *
 *   workload,description,system,unit,accept_rate,end_to_end_rate,end_to_end_seconds,cpu_seconds,peak_memory_mib,status
 *
 * Numbers may be "n/a" (a workload a system could not run, e.g. Quail's relay rows before remote
 * delivery); status is "ok" or a short reason. Fields never contain commas.
 */
package dev.quail.loadtest.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

record BenchRow(String workload, String description, String system, String unit, OptionalDouble endToEndRate) {

    static final String HEADER = "workload,description,system,unit,accept_rate,end_to_end_rate,end_to_end_seconds,"
            + "cpu_seconds,peak_memory_mib,status";

    static List<BenchRow> parse(List<String> lines) {
        if (lines.isEmpty() || !lines.get(0).trim().equals(HEADER)) {
            throw new IllegalArgumentException("not a bench CSV: the header must be " + HEADER);
        }
        List<BenchRow> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length != 10) {
                throw new IllegalArgumentException("expected 10 fields: " + line);
            }
            rows.add(new BenchRow(f[0], f[1], f[2], f[3], number(f[5])));
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
