package dev.quail.engine.remote;

import dev.quail.config.Responses;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The lines a remote server said, as a delivery report carries them: qmail-remote's text puts each reply after
 * "Remote host said: ", a line at a time, code first ({@code 421-4.7.28 ...}). Only these lines are matched by
 * control/responses, so Quail's own words around them (and its own deferrals, which hold no reply) never are.
 */
final class ReplyLines {
    static final String SAID = "Remote host said: ";

    private ReplyLines() {}

    static List<String> of(String report) {
        List<String> lines = new ArrayList<>();
        for (String line : report.split("\n")) {
            String l = line.startsWith(SAID) ? line.substring(SAID.length()) : line;
            if (l.length() >= 3 && l.charAt(0) >= '2' && l.charAt(0) <= '5' && Character.isDigit(l.charAt(1))
                    && Character.isDigit(l.charAt(2)) && (l.length() == 3 || l.charAt(3) == ' ' || l.charAt(3) == '-')) {
                lines.add(l);
            }
        }
        return lines;
    }

    /** The first line the rule's regex is found in. */
    static Optional<String> match(Responses.Rule rule, List<String> lines) {
        for (String l : lines) {
            if (rule.matches(l)) return Optional.of(l);
        }
        return Optional.empty();
    }
}
