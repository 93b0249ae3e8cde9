package dev.quail.engine.analog;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The mail-log lines qmailanalog's matchup reads, as Quail's log writes them (SEND-05, log/quail.log; see
 * {@code dev.quail.engine.log.MessageLog}), each with its time in epoch milliseconds:
 * <pre>
 * 2024-03-05T04:06:07.123 info msg ID: bytes N from &lt;SENDER&gt; qp ID ORIGIN
 * 2024-03-05T04:06:07.125 starting delivery D: msg ID to local|remote ADDRESS
 * 2024-03-05T04:06:07.200 delivery D: success|failure|deferral: REPORT
 * 2024-03-05T04:06:07.201 end msg ID
 * </pre>
 * The time stamp is the server's local time. Every other line (new msg, status, bounce msg, warnings, library
 * output) is of no use to the reports and parses to nothing.
 */
public sealed interface LogEvent {
    long millis();

    record Info(long millis, String id, long bytes, String sender) implements LogEvent {}

    record Start(long millis, long delivery, String id, String channel, String recipient) implements LogEvent {}

    enum Outcome { SUCCESS, FAILURE, DEFERRAL }

    record Result(long millis, long delivery, Outcome outcome, String report) implements LogEvent {}

    record End(long millis, String id) implements LogEvent {}

    /** The length of {@code yyyy-MM-ddTHH:mm:ss.SSS}, the stamp every line starts with. */
    int STAMP = 23;

    static Optional<LogEvent> parse(String line, ZoneId zone) {
        if (line.length() < STAMP + 2 || line.charAt(STAMP) != ' ') return Optional.empty();
        long millis;
        try {
            millis = LocalDateTime.parse(line.substring(0, STAMP)).atZone(zone).toInstant().toEpochMilli();
        } catch (DateTimeParseException notALogLine) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(event(millis, line.substring(STAMP + 1)));
        } catch (NumberFormatException | IndexOutOfBoundsException malformed) {
            return Optional.empty();
        }
    }

    private static LogEvent event(long millis, String text) {
        if (text.startsWith("info msg ")) {
            int colon = text.indexOf(": bytes ");
            int from = text.indexOf(" from <", colon);
            int qp = text.lastIndexOf("> qp ");
            if (colon < 0 || from < 0 || qp < from) return null;
            return new Info(millis, text.substring(9, colon), Long.parseLong(text.substring(colon + 8, from)),
                    text.substring(from + 7, qp));
        }
        if (text.startsWith("starting delivery ")) {
            int colon = text.indexOf(": msg ");
            int to = text.indexOf(" to ", colon + 6);
            int space = text.indexOf(' ', to + 4);
            if (colon < 0 || to < 0 || space < 0) return null;
            return new Start(millis, Long.parseLong(text.substring(18, colon)), text.substring(colon + 6, to),
                    text.substring(to + 4, space), text.substring(space + 1));
        }
        if (text.startsWith("delivery ")) {
            int colon = text.indexOf(": ");
            int second = text.indexOf(": ", colon + 2);
            if (colon < 0 || second < 0) return null;
            Outcome outcome = switch (text.substring(colon + 2, second)) {
                case "success" -> Outcome.SUCCESS;
                case "failure" -> Outcome.FAILURE;
                case "deferral" -> Outcome.DEFERRAL;
                default -> null;
            };
            if (outcome == null) return null;
            return new Result(millis, Long.parseLong(text.substring(9, colon)), outcome, text.substring(second + 2));
        }
        if (text.startsWith("end msg ")) return new End(millis, text.substring(8));
        return null;
    }
}
