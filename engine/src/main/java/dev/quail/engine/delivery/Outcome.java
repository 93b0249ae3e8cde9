package dev.quail.engine.delivery;

/**
 * The result of one delivery to one recipient: qmail's K / Z / D, named as its log names them.
 * "Temporary unless proven permanent": a spawn that is unsure answers {@link Deferral}.
 */
public sealed interface Outcome {
    String report();

    record Success(String report) implements Outcome {}

    record Deferral(String report) implements Outcome {}

    record Failure(String report) implements Outcome {}
}
