package dev.quail.engine.cli;

import dev.quail.engine.Main;
import dev.quail.engine.analog.LogEvent;
import dev.quail.engine.analog.Matchup;
import dev.quail.engine.analog.Reports;
import dev.quail.engine.analog.Stats;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code quail analog}: qmailanalog (matchup piped into zoverall, zddist, zrecipients, zsenders, zfailures,
 * zdeferrals) over Quail's own mail log. Without LOGFILE it reads HOME/log/quail.log.10 … quail.log.1 and then
 * quail.log, oldest first, as far as they exist; {@code -} reads stdin. Lines are streamed: memory follows the
 * messages in flight, not the length of the log.
 */
@Command(name = "analog", description = "Delivery statistics from the mail log (qmailanalog).")
public final class AnalogCommand implements Callable<Integer> {
    /** logback's window of rotated logs (logback-server.xml). */
    static final int ROTATED = 10;

    @Mixin
    HomeOption homeOption;

    @Option(names = "--since", paramLabel = "T", converter = Since.class,
            description = "only lines from T on: 2024-03-05, 2024-03-05T14:00 (local time) or with an offset")
    Long since;

    @Option(names = "--json", description = "one JSON object, keyed by report name")
    boolean json;

    @Option(names = "--report", paramLabel = "NAME", split = ",", converter = ReportName.class,
            description = "only these reports: zoverall, zddist, zrecipients, zsenders, zfailures, zdeferrals"
                    + " (default: all)")
    List<Reports.Name> reports = new ArrayList<>();

    @Parameters(paramLabel = "LOGFILE", arity = "0..*", description = "mail logs in time order (- for stdin)")
    List<String> files = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        List<String> inputs = files.isEmpty() ? rotatedLogs() : files;
        if (inputs.isEmpty()) {
            System.err.println("quail analog: no mail log in " + homeOption.home().log());
            return Main.TEMPORARY;
        }
        Stats stats = new Stats();
        Matchup matchup = new Matchup(stats);
        ZoneId zone = ZoneId.systemDefault();
        for (String name : inputs) {
            try (BufferedReader in = new BufferedReader(open(name))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    Optional<LogEvent> event = LogEvent.parse(line, zone);
                    if (event.isPresent() && (since == null || event.get().millis() >= since)) {
                        matchup.accept(event.get());
                    }
                }
            } catch (IOException e) {
                System.err.println("quail analog: unable to read " + name + ": " + e.getMessage());
                return Main.TEMPORARY;
            }
        }
        List<Reports.Name> names = reports.isEmpty() ? Arrays.asList(Reports.Name.values()) : reports;
        Writer out = new OutputStreamWriter(System.out, StandardCharsets.UTF_8);
        if (json) Reports.json(stats, names, out);
        else Reports.text(stats, names, out);
        out.flush();
        return 0;
    }

    private List<String> rotatedLogs() {
        Path dir = homeOption.home().log();
        List<String> logs = new ArrayList<>();
        for (int i = ROTATED; i >= 0; i--) {
            Path log = dir.resolve(i == 0 ? "quail.log" : "quail.log." + i);
            if (Files.isRegularFile(log)) logs.add(log.toString());
        }
        return logs;
    }

    /** The log is ASCII by construction (log-safe reports); Latin-1 reads any other byte without failing. */
    private static Reader open(String name) throws IOException {
        return name.equals("-") ? new InputStreamReader(System.in, StandardCharsets.ISO_8859_1)
                : Files.newBufferedReader(Path.of(name), StandardCharsets.ISO_8859_1);
    }

    static final class ReportName implements CommandLine.ITypeConverter<Reports.Name> {
        @Override
        public Reports.Name convert(String text) {
            try {
                return Reports.Name.of(text);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("no report named '" + text + "'");
            }
        }
    }

    /** --since: a date, a local date-time, or a date-time with its offset; epoch milliseconds. */
    static final class Since implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String text) {
            ZoneId zone = ZoneId.systemDefault();
            try {
                if (text.length() == 10) return LocalDate.parse(text).atStartOfDay(zone).toInstant().toEpochMilli();
                try {
                    return OffsetDateTime.parse(text).toInstant().toEpochMilli();
                } catch (DateTimeParseException local) {
                    return LocalDateTime.parse(text).atZone(zone).toInstant().toEpochMilli();
                }
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("expected 2024-03-05 or 2024-03-05T14:00, got '"
                        + text + "'");
            }
        }
    }
}
