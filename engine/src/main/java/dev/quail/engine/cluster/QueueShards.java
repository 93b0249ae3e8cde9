package dev.quail.engine.cluster;

import dev.quail.engine.queue.Partitions;
import dev.quail.engine.queue.Queue;
import dev.quail.engine.remote.ConnectionGate;
import dev.quail.engine.remote.RemoteSpawn;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.ShardRegion.CurrentShardRegionState;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The queue of a cluster as this node's front ends and admin see it: one {@code ActorRef<Queue.Command>} that
 * hands each request to the queue partition it concerns, wherever sharding runs that partition. A submission and
 * a request about one message go to the message's partition ({@link Partitions#of}); a flush to every partition;
 * qstat's counts are the sum over all of them. A graceful stop (Drain) is answered at once: sharding itself hands
 * each partition of a leaving node over ({@link Queue.HandOff}: it drains as a stopping single node does), and
 * the partition starts again on another node from the journal.
 *
 * <p>A partition starts on its first message, and one that holds sleeping mail must run to wake it, also after its
 * node was killed; so every node asks every partition to run every {@link #ENSURE_EVERY}: a few messages a
 * second in all, and a killed node's partitions are back within that of the cluster downing the node. At the
 * same pace it reads which partitions run here from the local shard region, for {@link LocalPartitions}.
 *
 * <p>It also starts this node's share of the {@link ConnectionGate}s, which make concurrencyremote and each site's
 * connections hold for the cluster. The downed-host marks reach every partition through SharedTcpto; site holds are
 * each partition's own: tcpok, suspend and resume go to every partition; tcpto answers every partition's entries,
 * sites each site once with the partitions' traffic added.
 *
 * <p>Failure policy: it keeps no state of its own (the partitions do); the guardian restarts it.
 */
public final class QueueShards {
    public static final EntityTypeKey<Queue.Command> PARTITION =
            EntityTypeKey.create(Queue.Command.class, "queue-partition");
    static final EntityTypeKey<ConnectionGate.Command> GATE =
            EntityTypeKey.create(ConnectionGate.Command.class, "connection-gate");
    static final Duration ENSURE_EVERY = Duration.ofSeconds(2);
    static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);

    private final ClusterSharding sharding;
    private final Partitions partitions;
    private final ActorRef<Object> nobody;
    private final ActorRef<CurrentShardRegionState> regionState;

    private QueueShards(ClusterSharding sharding, Partitions partitions, ActorRef<Object> nobody,
                        ActorRef<CurrentShardRegionState> regionState) {
        this.sharding = sharding;
        this.partitions = partitions;
        this.nobody = nobody;
        this.regionState = regionState;
    }

    /**
     * Starts this node's share of the partitions ({@code partition} builds partition N's Queue, whose connections
     * take leases at the given gates) and of the connection gates, and keeps {@code local} up to date.
     */
    public static Behavior<Queue.Command> create(Partitions partitions, LocalPartitions local,
                                                 BiFunction<Integer, ConnectionGate.Gates, Behavior<Queue.Command>>
                                                         partition) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            ClusterSharding sharding = ClusterSharding.get(context.getSystem());
            // A gate with no lease left stops through sharding, so messages sent to it meanwhile are not lost.
            sharding.init(Entity.of(GATE, entity -> ConnectionGate.create(entity.getEntityId(),
                    System::currentTimeMillis, self -> entity.getShard().tell(new ClusterSharding.Passivate<>(self)))));
            sharding.init(Entity.of(PARTITION, entity -> {
                int number = Integer.parseInt(entity.getEntityId());
                return partition.apply(number, new ConnectionGate.Gates("partition " + number,
                        name -> sharding.entityRefFor(GATE, name)));
            }).withStopMessage(Queue.HandOff.INSTANCE));
            timers.startTimerWithFixedDelay(Queue.Ensure.INSTANCE, ENSURE_EVERY);
            // Where the answers of broadcast requests go when only one answer is passed on.
            ActorRef<Object> nobody = context.spawn(Behaviors.ignore(), "nobody");
            ActorRef<CurrentShardRegionState> regionState = context.spawn(Behaviors.receive(
                    CurrentShardRegionState.class).onMessage(CurrentShardRegionState.class, state -> {
                        Set<Integer> here = new HashSet<>();
                        state.getShards().forEach(shard -> shard.getEntityIds().forEach(id -> here.add(
                                Integer.parseInt(id))));
                        local.running(here);
                        return Behaviors.same();
                    }).build(), "region-state");
            return new QueueShards(sharding, partitions, nobody, regionState).receive();
        }));
    }

    private Behavior<Queue.Command> receive() {
        return Behaviors.receive(Queue.Command.class)
                .onMessage(Queue.Submit.class, s -> toMessage(s.id(), s))
                .onMessage(Queue.Hold.class, h -> toMessage(h.id(), h))
                .onMessage(Queue.Rejuvenate.class, r -> toMessage(r.id(), r))
                .onMessage(Queue.Delete.class, d -> toMessage(d.id(), d))
                .onMessageEquals(Queue.Flush.INSTANCE, () -> toAll(Queue.Flush.INSTANCE))
                .onMessageEquals(Queue.Ensure.INSTANCE, () -> {
                    sharding.shardState().tell(new GetShardRegionState(PARTITION, regionState));
                    return toAll(Queue.Ensure.INSTANCE);
                })
                .onMessage(Queue.Stats.class, this::onStats)
                .onMessage(Queue.Advance.class, this::onAdvance)
                .onMessage(Queue.Downed.class, d -> onDowned(d.request()))
                .onMessage(Queue.Drain.class, d -> {
                    d.replyTo().tell(Done.getInstance());
                    return Behaviors.same();
                })
                .build();
    }

    private EntityRef<Queue.Command> partition(int partition) {
        return sharding.entityRefFor(PARTITION, Integer.toString(partition));
    }

    private Behavior<Queue.Command> toMessage(String id, Queue.Command command) {
        partition(partitions.of(id)).tell(command);
        return Behaviors.same();
    }

    private Behavior<Queue.Command> toAll(Queue.Command command) {
        for (int p = 0; p < partitions.count(); p++) partition(p).tell(command);
        return Behaviors.same();
    }

    private Behavior<Queue.Command> onStats(Queue.Stats stats) {
        askAll(Queue.Stats::new).thenAccept(all -> stats.replyTo().tell(new Queue.Snapshot(
                all.stream().mapToInt(Queue.Snapshot::alive).sum(),
                all.stream().mapToInt(Queue.Snapshot::sleeping).sum(),
                all.stream().mapToInt(Queue.Snapshot::waiting).sum())));
        return Behaviors.same();
    }

    private Behavior<Queue.Command> onAdvance(Queue.Advance advance) {
        Map<Integer, Map<String, Long>> byPartition = new HashMap<>();
        advance.dueById().forEach((id, due) ->
                byPartition.computeIfAbsent(partitions.of(id), p -> new HashMap<>()).put(id, due));
        CompletableFuture.allOf(byPartition.entrySet().stream()
                        .map(e -> partition(e.getKey()).<Done>ask(r -> new Queue.Advance(e.getValue(), r), ASK_TIMEOUT)
                                .toCompletableFuture())
                        .toArray(CompletableFuture[]::new))
                .whenComplete((done, failure) -> advance.replyTo().tell(Done.getInstance()));
        return Behaviors.same();
    }

    private Behavior<Queue.Command> onDowned(RemoteSpawn.Command request) {
        if (request instanceof RemoteSpawn.ClearDowned clear) {
            toAll(new Queue.Downed(new RemoteSpawn.ClearDowned(nobody.narrow())));
            clear.replyTo().tell(Done.getInstance());
        } else if (request instanceof RemoteSpawn.Suspend s) {
            this.<String>askAll(r -> new Queue.Downed(new RemoteSpawn.Suspend(s.target(), s.duration(), s.reason(), r)))
                    .thenAccept(answers -> s.replyTo().tell(answers.isEmpty() ? "no queue partition answered"
                            : answers.get(0)));
        } else if (request instanceof RemoteSpawn.Resume r) {
            this.<RemoteSpawn.Resumed>askAll(to -> new Queue.Downed(new RemoteSpawn.Resume(r.target(), to)))
                    .thenAccept(answers -> {
                        Map<String, Long> due = new HashMap<>();
                        answers.forEach(a -> due.putAll(a.dueById()));
                        r.replyTo().tell(new RemoteSpawn.Resumed(answers.stream().anyMatch(RemoteSpawn.Resumed::found),
                                due));
                    });
        } else if (request instanceof RemoteSpawn.ListDowned list) {
            this.<RemoteSpawn.DownedList>askAll(to -> new Queue.Downed(new RemoteSpawn.ListDowned(to)))
                    .thenAccept(answers -> list.replyTo().tell(new RemoteSpawn.DownedList(answers.stream()
                            .flatMap(a -> a.hosts().stream()).distinct().toList())));
        } else if (request instanceof RemoteSpawn.ListSites list) {
            this.<RemoteSpawn.SiteList>askAll(to -> new Queue.Downed(new RemoteSpawn.ListSites(to)))
                    .thenAccept(answers -> {
                        Map<String, RemoteSpawn.SiteView> bySite = new TreeMap<>();
                        answers.forEach(a -> a.sites().forEach(site -> bySite.merge(site.site(), site,
                                RemoteSpawn.SiteView::plus)));
                        list.replyTo().tell(new RemoteSpawn.SiteList(List.copyOf(bySite.values())));
                    });
        }
        return Behaviors.same();
    }

    /** Every partition's answer that came within ASK_TIMEOUT; a partition moving between nodes may not answer. */
    private <T> CompletableFuture<List<T>> askAll(Function<ActorRef<T>, Queue.Command> request) {
        List<CompletableFuture<T>> asks = IntStream.range(0, partitions.count())
                .mapToObj(p -> partition(p).<T>ask(request::apply, ASK_TIMEOUT).toCompletableFuture()
                        .exceptionally(failure -> null))
                .toList();
        return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
                .thenApply(done -> asks.stream().map(CompletableFuture::join).filter(Objects::nonNull).toList());
    }
}
