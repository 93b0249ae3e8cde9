package dev.quail.engine.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.quail.engine.Controls;
import dev.quail.engine.FirstStart;
import dev.quail.engine.Home;
import dev.quail.engine.queue.Ids;
import dev.quail.engine.Main;
import dev.quail.engine.Quail;
import dev.quail.engine.cluster.ClusterNode;
import dev.quail.engine.queue.Partitions;
import dev.quail.persistence.jdbc.SharedJournal;
import dev.quail.engine.log.MessageLog;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code quail start}: the server in the foreground (qmail-start + tcpserver qmail-smtpd). The first start
 * creates a working home. SIGHUP rereads control/ and SIGALRM flushes the queue, as qmail-send; SIGTERM/SIGINT
 * stop it gracefully and exit 0: stop accepting, let deliveries in progress checkpoint; everything accepted stays
 * in the journal for the next start.
 */
@Command(name = "start", description = "Run the server in the foreground.")
public final class StartCommand implements Callable<Integer> {
    @Mixin
    HomeOption homeOption;

    @Option(names = "--smtp", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:2525",
            converter = HostPort.Converter.class, description = "SMTP listen address (default: ${DEFAULT-VALUE})")
    HostPort smtp;

    @Option(names = "--pop3", paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "POP3 listen address (default: no POP3)")
    HostPort pop3;

    @Option(names = "--pop3s", paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "POP3 over implicit TLS (RFC 8314, port 995) listen address (default: none)")
    HostPort pop3s;

    @Option(names = "--qmtp", paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "QMTP listen address (default: no QMTP)")
    HostPort qmtp;

    @Option(names = "--qmqp", paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "QMQP listen address, for the clients in control/qmqpclients (default: no QMQP)")
    HostPort qmqp;

    @Option(names = "--smtps", paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "SMTP over implicit TLS (RFC 8314, port 465) listen address (default: none)")
    HostPort smtps;

    @Option(names = "--submission", paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "message submission (RFC 6409, port 587: STARTTLS and AUTH required) listen address"
                    + " (default: none)")
    HostPort submission;

    @Option(names = "--proxy-protocol", description = "every listener's clients come through a load balancer that"
            + " names them in a PROXY protocol header (v1 or v2, as HAProxy's send-proxy and send-proxy-v2), believed"
            + " only from control/proxyclients (default: 127.0.0.1 and ::1)")
    boolean proxyProtocol;

    @Option(names = "--http", paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "admin listener (web admin, JSON API, metrics), loopback expected (default: none)")
    HostPort http;

    @Option(names = "--https", paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "admin listener over TLS with control/servercert.pem (default: none)")
    HostPort https;

    @Option(names = "--cluster", paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "run as a node of a cluster: this node's cluster (Pekko remoting) address; needs --seeds"
                    + " and --journal (default: a single node with its own LevelDB journal)")
    HostPort cluster;

    @Option(names = "--seeds", paramLabel = "HOST:PORT[,HOST:PORT...]", split = ",",
            converter = HostPort.Converter.class,
            description = "the cluster's seed nodes, the same list on every node")
    java.util.List<HostPort> seeds;

    @Option(names = "--journal", paramLabel = "JDBC-URL",
            description = "the cluster's shared journal, e.g. 'jdbc:postgresql://HOST:PORT/DB?user=U&password=P';"
                    + " its tables are created when missing")
    String journal;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "6",
            description = "queue partitions of a cluster, the same number on every node and never changed once"
                    + " mail is queued (default: ${DEFAULT-VALUE})")
    int partitions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Home home = homeOption.home();
        home.ensureDirectories();
        // Before the first logger exists: the server logs to stdout and HOME/log/.
        System.setProperty("QUAIL_LOG_DIR", home.log().toString());
        System.setProperty("logback.configurationFile", "logback-server.xml");
        // Initialise logging on this thread, before the actor system's threads start logging concurrently.
        org.slf4j.LoggerFactory.getILoggerFactory();
        FirstStart.initializeIfNew(home);
        Controls controls = new Controls(home);
        // The drain phase may last timeoutshutdown; its own timeout must not cut it short.
        long drain = controls.current().control().limits().timeoutshutdown() + 5;
        Optional<Quail.Clustered> clustered = cluster();
        Config config = ConfigFactory.parseMap(Map.of("quail.journal.dir", home.journal().toString(),
                        "pekko.coordinated-shutdown.phases.service-requests-done.timeout", drain + "s"))
                .withFallback(clustered.map(c -> c.node().config()).orElse(ConfigFactory.empty()))
                .withFallback(ConfigFactory.load());
        String node = clustered.map(c -> c.node().name()).orElse("");
        ActorSystem<Quail.Command> system = ActorSystem.create(
                Quail.create(controls, Ids.open(home.ids(), node), new Quail.Listeners(smtp.host(), smtp.port(),
                        address(pop3), address(qmtp), address(qmqp), address(smtps), address(submission),
                        address(pop3s), proxyProtocol, new Quail.AdminListener(address(http), address(https))),
                        clustered),
                ClusterNode.SYSTEM, config);
        clustered.ifPresent(c -> system.getWhenTerminated().thenRun(c.journal()::close));
        AtomicBoolean signalled = new AtomicBoolean();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                signalled.set(true);
                CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.jvmExitReason());
            });
        }
        if (Signal.handle(new Signal("HUP"), signal -> system.tell(Quail.Signalled.HUP)) == SignalHandler.SIG_IGN) {
            // The JVM leaves a hangup that was ignored when it started (nohup) ignored: say so, or a HUP meant to
            // reread the controls would do nothing without a word.
            MessageLog.alert("SIGHUP is ignored (started under nohup?): use quail reload to reread control files");
        }
        Signal.handle(new Signal("ALRM"), signal -> system.tell(Quail.Signalled.ALRM));
        system.getWhenTerminated().toCompletableFuture().join();
        return signalled.get() ? 0 : Main.TEMPORARY;
    }

    /** The cluster options, checked together; the shared journal is opened now, so that one unreachable is a refusal. */
    private Optional<Quail.Clustered> cluster() throws java.io.IOException {
        if (cluster == null) {
            if (seeds != null || journal != null) {
                throw new ParameterException(spec.commandLine(), "--seeds and --journal need --cluster");
            }
            return Optional.empty();
        }
        if (seeds == null || journal == null) {
            throw new ParameterException(spec.commandLine(), "--cluster needs --seeds and --journal");
        }
        if (partitions < 1) throw new ParameterException(spec.commandLine(), "--partitions must be at least 1");
        ClusterNode node = new ClusterNode(address(cluster).orElseThrow(),
                seeds.stream().map(seed -> address(seed).orElseThrow()).toList(), journal, new Partitions(partitions));
        return Optional.of(new Quail.Clustered(node, SharedJournal.open(journal)));
    }

    private static Optional<InetSocketAddress> address(HostPort option) {
        return Optional.ofNullable(option).map(o -> InetSocketAddress.createUnresolved(o.host(), o.port()));
    }
}
