/*
 * The .qmail file format, as qmail-local reads it (QMAIL-REFERENCE §6.2):
 *  DQ-10 lines are separated by '\n' and a final newline is implied; trailing spaces and tabs are removed;
 *        a blank first line is an error (temporary: the owner is probably editing the file), later blank
 *        lines are ignored.
 *  DQ-11 the first character decides: '#' comment; '|' program; '.' or '/' a file, a maildir when the line
 *        ends in '/', else an mbox; '&' forward to the rest of the line; '+' special (`+list`, DQ-04, else
 *        ignored); anything else forwards to the whole line.
 *  DQ-12 an empty file means "use defaultdelivery"; that choice is the caller's (it knows which file it read).
 */
package dev.quail.config.dotqmail;

import java.util.ArrayList;
import java.util.List;

public final class DotQmailFile {
    /** DQ-10: qmail-local's report when the first line is blank. */
    public static final String BLANK_FIRST_LINE = "Uh-oh: first line of .qmail file is blank. (#4.2.1)";

    private DotQmailFile() {}

    /** @throws IllegalArgumentException with {@link #BLANK_FIRST_LINE} when the first line is blank */
    public static List<Instruction> parse(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (text.endsWith("\n")) lines.remove(lines.size() - 1);
        List<Instruction> out = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = stripSpaceAndTab(lines.get(n));
            if (line.isEmpty()) {
                if (n == 0) throw new IllegalArgumentException(BLANK_FIRST_LINE);
                continue;
            }
            char first = line.charAt(0);
            if (first == '#') continue;
            if (first == '|') out.add(new Instruction.Program(line.substring(1)));
            else if (first == '.' || first == '/') {
                out.add(line.endsWith("/") ? new Instruction.Maildir(line) : new Instruction.Mbox(line));
            } else if (first == '+') {
                if (line.equals("+list")) out.add(new Instruction.ForwardOnly());
            } else if (first == '&') out.add(new Instruction.Forward(line.substring(1)));
            else out.add(new Instruction.Forward(line));
        }
        return List.copyOf(out);
    }

    private static String stripSpaceAndTab(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) end--;
        return s.substring(0, end);
    }
}
