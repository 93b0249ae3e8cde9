package dev.quail.engine.remote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.ddata.typed.javadsl.ReplicatorMessageAdapter;

/**
 * A cluster's queue/tcpto: the downed-host marks every queue partition finds, told to all the others, as qmail's
 * remote deliveries share one tcpto file. Each partition's RemoteSpawn tells it what its tables changed
 * ({@link DownedHosts#takeUntold}, at each save); it writes them to one map that Pekko's Distributed Data keeps on
 * every node (a mark per address and site, the latest word winning: a timeout, or a connection that got through),
 * and passes every change of the map back to its RemoteSpawn, whose tables take what is newer than they know
 * ({@link DownedHosts#learn}). A mark older than {@link #KEPT} is dropped from the map: no backoff lasts that long.
 *
 * <p>Failure policy: the RemoteSpawn restarts it; the map lives in the node's replicator, so a restart loses
 * nothing but the changes it was writing, which only cost one more connection attempt.
 */
final class SharedTcpto {
    sealed interface Command {}

    /** A mark as the map keeps it: {@code count} 0 means the address answered at {@code lastMillis}. */
    record Mark(String destination, String ip, int count, long lastMillis) {}

    /** Every mark of the map, after a change. */
    record Learned(List<Mark> marks) {}

    /** A RemoteSpawn's changes. */
    record Tell(List<Mark> marks, long now) implements Command {}

    private record Changed(LWWMap<String, String> map) implements Command {}

    private enum Ignored implements Command { INSTANCE }

    static final Key<LWWMap<String, String>> KEY = LWWMapKey.create("quail-tcpto");
    /** qmail's longest backoff is 5,824 s. */
    static final Duration KEPT = Duration.ofHours(2);

    private SharedTcpto() {}

    /** {@code learned} gets every mark of the map whenever it changes. */
    static Behavior<Command> create(ActorRef<Learned> learned) {
        return Behaviors.setup(context -> {
            SelfUniqueAddress node = DistributedData.get(context.getSystem()).selfUniqueAddress();
            return DistributedData.<Command, LWWMap<String, String>>withReplicatorMessageAdapter(replicator -> {
                replicator.subscribe(KEY, response -> response instanceof Replicator.Changed<LWWMap<String, String>> c
                        ? new Changed(c.get(KEY)) : Ignored.INSTANCE);
                return Behaviors.receive(Command.class)
                        .onMessage(Tell.class, t -> {
                            write(replicator, node, t);
                            return Behaviors.same();
                        })
                        .onMessage(Changed.class, c -> {
                            learned.tell(new Learned(marks(c.map())));
                            return Behaviors.same();
                        })
                        .onMessageEquals(Ignored.INSTANCE, Behaviors::same)
                        .build();
            });
        });
    }

    private static void write(ReplicatorMessageAdapter<Command, LWWMap<String, String>> replicator,
                              SelfUniqueAddress node, Tell t) {
        replicator.askUpdate(replyTo -> new Replicator.Update<>(KEY, LWWMap.empty(), Replicator.writeLocal(), replyTo,
                map -> {
                    LWWMap<String, String> next = map;
                    for (var e : map.getEntries().entrySet()) {
                        if (t.now() - Long.parseLong(e.getValue().split(" ")[1]) > KEPT.toMillis()) {
                            next = next.remove(node, e.getKey());
                        }
                    }
                    for (Mark m : t.marks()) {
                        next = next.put(node, m.ip() + " " + m.destination(), m.count() + " " + m.lastMillis());
                    }
                    return next;
                }), response -> Ignored.INSTANCE);
    }

    /** The map's entries, {@code "IP SITE" -> "COUNT LASTMILLIS"}: queue/tcpto's order (a site's key holds spaces). */
    private static List<Mark> marks(LWWMap<String, String> map) {
        List<Mark> marks = new ArrayList<>(map.size());
        map.getEntries().forEach((key, value) -> {
            String[] where = key.split(" ", 2);
            String[] what = value.split(" ");
            marks.add(new Mark(where[1], where[0], Integer.parseInt(what[0]), Long.parseLong(what[1])));
        });
        return marks;
    }
}
