/*
 * Outcome: how one message ended.
 *
 * ACCEPTED  every recipient accepted and every transaction answered 2xx after the final dot.
 * REJECTED  the server answered, but refused the message or at least one recipient (4xx or 5xx).
 * FAILED    no answer: the connection broke or timed out while the message was under way.
 *
 * problem is the first refusal or failure, for the report.
 */
package dev.quail.loadtest.generator;

import java.util.Optional;

record Outcome(Kind kind, Job job, int recipientsAccepted, int recipientsRejected, Optional<String> problem) {

    enum Kind { ACCEPTED, REJECTED, FAILED }
}
