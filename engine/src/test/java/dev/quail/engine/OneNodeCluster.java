package dev.quail.engine;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/** A test kit whose system is a cluster node as `quail start --cluster` runs one (cluster.conf), on loopback. */
public final class OneNodeCluster {
    private OneNodeCluster() {}

    /** The kit, its node joining itself: sharding and Distributed Data work once it is up. */
    public static ActorTestKit start() {
        ActorTestKit kit = ActorTestKit.create("quail", ConfigFactory.parseString(
                        "pekko.remote.artery.canonical.hostname = 127.0.0.1\npekko.remote.artery.canonical.port = 0")
                .withFallback(ConfigFactory.parseResources("cluster.conf"))
                .withFallback(ConfigFactory.load()));
        Cluster cluster = Cluster.get(kit.system());
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        return kit;
    }
}
