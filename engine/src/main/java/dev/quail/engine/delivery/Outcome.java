package dev.quail.engine.delivery;

/**
 * The result of one delivery to one recipient: qmail's K / Z / D, named as its log names them.
 * "Temporary unless proven permanent": a spawn that is unsure answers {@link Deferral}.
 */
public sealed interface Outcome {
    String report();

    record Success(String report) implements Outcome {}

    record Deferral(String report) implements Outcome {}

    /**
     * A deferral Quail decided itself, without asking the remote host (its site is suspended, or has too much
     * waiting already): the recipient is due again at {@code dueMillis}, not at its next retry, and the attempt does
     * not count as one. Logged and journaled as a deferral.
     */
    record Postponed(String report, long dueMillis) implements Outcome {}

    record Failure(String report) implements Outcome {}
}
