/*
 * CounterProbes: ask a Counter as a client would, waiting for each answer.
 */
package dev.quail.persistence.journal;

import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;

final class CounterProbes {
    private CounterProbes() {
    }

    /** Adds each amount in turn, each once the one before is persisted. */
    static void add(ActorTestKit kit, ActorRef<Counter.Command> counter, int... amounts) {
        TestProbe<Done> probe = kit.createTestProbe();
        for (int amount : amounts) {
            counter.tell(new Counter.Add(amount, probe.getRef()));
            probe.expectMessage(Done.getInstance());
        }
    }

    static int sum(ActorTestKit kit, ActorRef<Counter.Command> counter) {
        TestProbe<Integer> probe = kit.createTestProbe();
        counter.tell(new Counter.Get(probe.getRef()));
        return probe.receiveMessage();
    }
}
