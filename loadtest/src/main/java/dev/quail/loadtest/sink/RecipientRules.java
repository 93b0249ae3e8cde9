/*
 * RecipientRules: the sink's fault injection, --fail-rcpt and --defer-rcpt. Each PATTERN is a Java
 * regular expression searched for (find, not a whole match) in the recipient address, case-insensitively:
 * --fail-rcpt 'fail' refuses every address containing "fail", --defer-rcpt '^later[+@]' defers later@...
 * When both match, fail wins.
 *
 *   fail   550 5.1.1 sink: recipient refused (--fail-rcpt)
 *   defer  450 4.2.1 sink: recipient deferred (--defer-rcpt)
 *
 * How it rides on the shared SMTP state machine: the session's only per-recipient hook is the relay
 * decision (SmtpPolicy.rcptAllowed), whose refusal is qmail's "553 5.7.1 ... rcpthosts" reply. So one
 * Verdicts per connection answers that hook and remembers, in order, why it refused; the connection
 * then replaces each 553 5.7.1 reply with the remembered one. The session asks only about addresses with
 * a domain (SMTP-13), so the patterns apply to those; the sink lists no badmailfrom, so no other reply
 * starts with 553 5.7.1.
 */
package dev.quail.loadtest.sink;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

public final class RecipientRules {

    static final String FAIL = "550 5.1.1 sink: recipient refused (--fail-rcpt)\r\n";
    static final String DEFER = "450 4.2.1 sink: recipient deferred (--defer-rcpt)\r\n";
    private static final String REFUSED_BY_POLICY = "553 5.7.1 ";

    private final Optional<Pattern> fail;
    private final Optional<Pattern> defer;

    public RecipientRules(Optional<String> fail, Optional<String> defer) {
        this.fail = fail.map(p -> Pattern.compile(p, Pattern.CASE_INSENSITIVE));
        this.defer = defer.map(p -> Pattern.compile(p, Pattern.CASE_INSENSITIVE));
    }

    Verdicts forConnection() {
        return new Verdicts();
    }

    /** One connection's refusals, in the order the session made them. Not thread-safe, like the session. */
    final class Verdicts implements Predicate<String> {

        private final Deque<String> refusals = new ArrayDeque<>();

        @Override
        public boolean test(String recipient) {
            if (fail.isPresent() && fail.get().matcher(recipient).find()) {
                refusals.add(FAIL);
                return false;
            }
            if (defer.isPresent() && defer.get().matcher(recipient).find()) {
                refusals.add(DEFER);
                return false;
            }
            return true;
        }

        /** The reply to send in place of {@code reply}. */
        String rewrite(String reply) {
            if (reply.startsWith(REFUSED_BY_POLICY) && !refusals.isEmpty()) {
                return refusals.poll();
            }
            return reply;
        }
    }
}
