package dev.quail.engine.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.quail.engine.queue.Partitions;
import dev.quail.persistence.jdbc.SharedJournal;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * What {@code quail start --cluster} makes of a node: its Pekko remoting address, the seed nodes (the same list on
 * every node), the shared journal's JDBC URL and the number of queue partitions (the same on every node), and the
 * Pekko settings that follow from them. Every node's actor system is called "quail", so the seeds are
 * {@code pekko://quail@HOST:PORT}.
 */
public record ClusterNode(InetSocketAddress self, List<InetSocketAddress> seeds, String journal,
                          Partitions partitions) {
    public static final String SYSTEM = "quail";

    /** This node's name in its message ids: its remoting address, in characters an id may hold. */
    public String name() {
        return (self.getHostString() + "-" + self.getPort()).replaceAll("[^A-Za-z0-9]", "-");
    }

    /**
     * Membership with the split-brain resolver's keep-majority (the side with most nodes survives a partition;
     * a killed node is downed once the rest has been stable for stable-after, then its queue partitions restart
     * on the others), sharding without passivation (a partition runs until it moves), and the shared journal.
     */
    public Config config() {
        List<String> seedNodes = seeds.stream()
                .map(seed -> "pekko://" + SYSTEM + "@" + seed.getHostString() + ":" + seed.getPort())
                .toList();
        return ConfigFactory.parseMap(Map.of(
                        "pekko.remote.artery.canonical.hostname", self.getHostString(),
                        "pekko.remote.artery.canonical.port", self.getPort()))
                .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seedNodes))
                .withFallback(ConfigFactory.parseResources("cluster.conf"))
                .withFallback(SharedJournal.pekkoConfig(journal));
    }
}
