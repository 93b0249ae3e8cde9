package dev.quail.engine.lists;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a list's return address says, from the part after "LIST-" (EZ-31): ezmlm-return's table.
 * <ul>
 * <li>{@code return-N-box=dom}: post N bounced at member box@dom (a remote server's DSN);</li>
 * <li>{@code return-N-}: post N bounced at members the report names (qmail-send's and Quail's own QSBMF bounce,
 *     sent to the VERP template without its suffix);</li>
 * <li>{@code return-warn-T.C-box=dom}, {@code return-probe-T.C-box=dom}: a warning or a probe bounced, cookie C
 *     over time T;</li>
 * <li>anything else after "return-" (the empty trash address included): nothing to record.</li>
 * </ul>
 * Unlike idx, a box that begins with digits is read as it is (EZ-31's quirk is not copied).
 */
sealed interface ReturnAddress {
    record Distribution(long number, String member) implements ReturnAddress {}

    record Report(long number) implements ReturnAddress {}

    /** {@code probe}: false for a warning. */
    record Cycle(boolean probe, long time, String cookie, String member) implements ReturnAddress {}

    record Trash() implements ReturnAddress {}

    Pattern NUMBERED = Pattern.compile("return-([0-9]{1,18})-(.*)", Pattern.DOTALL);
    Pattern CYCLE = Pattern.compile("return-(warn|probe)-([0-9]{1,18})\\.([a-p]{20})-(.+)", Pattern.DOTALL);

    /** Empty when {@code extension} is not a return address at all. */
    static Optional<ReturnAddress> parse(String extension) {
        if (!extension.regionMatches(true, 0, "return-", 0, 7)) return Optional.empty();
        Matcher c = CYCLE.matcher(extension);
        if (c.matches()) {
            Optional<String> member = Member.unverp(c.group(4));
            return Optional.of(member.<ReturnAddress>map(m -> new Cycle(c.group(1).equals("probe"),
                    Long.parseLong(c.group(2)), c.group(3), m)).orElse(new Trash()));
        }
        Matcher n = NUMBERED.matcher(extension);
        if (!n.matches()) return Optional.of(new Trash());
        long number = Long.parseLong(n.group(1));
        if (n.group(2).isEmpty()) return Optional.of(new Report(number));
        return Optional.of(Member.unverp(n.group(2)).<ReturnAddress>map(m -> new Distribution(number, m))
                .orElse(new Trash()));
    }

    /** The member of a distribution return address, if {@code extension} is one. */
    static Optional<String> distribution(String extension) {
        return parse(extension).filter(r -> r instanceof Distribution).map(r -> ((Distribution) r).member());
    }
}
