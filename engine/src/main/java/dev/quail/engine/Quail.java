package dev.quail.engine;

import dev.quail.engine.lists.ListWarden;
import dev.quail.engine.lists.Lists;
import dev.quail.engine.admin.Admin;
import dev.quail.engine.admin.AdminSocket;
import dev.quail.engine.admin.QueueView;
import dev.quail.engine.auth.Logins;
import dev.quail.engine.http.HttpAdmin;
import dev.quail.engine.auth.Passwords;
import dev.quail.engine.local.LocalDelivery;
import dev.quail.engine.local.LocalSpawn;
import dev.quail.engine.pop3.Pop3Server;
import dev.quail.engine.qmtp.QmtpServer;
import dev.quail.engine.delivery.Injector;
import dev.quail.engine.cluster.ClusterNode;
import dev.quail.engine.cluster.ControlPeers;
import dev.quail.engine.cluster.LocalPartitions;
import dev.quail.engine.cluster.QueueShards;
import dev.quail.engine.queue.Cleaner;
import dev.quail.engine.queue.MaildropPickup;
import dev.quail.engine.queue.Partitions;
import dev.quail.engine.queue.ScheduleIndex;
import dev.quail.engine.queue.Message;
import dev.quail.engine.log.MessageLog;
import dev.quail.engine.queue.Ids;
import dev.quail.engine.queue.Queue;
import dev.quail.engine.queue.QueueInjector;
import dev.quail.engine.queue.QueueSpace;
import dev.quail.engine.queue.Submitter;
import dev.quail.engine.queue.Traces;
import dev.quail.engine.delivery.SpawnStatus;
import dev.quail.engine.remote.ConnectionGate;
import dev.quail.engine.remote.RemoteSpawn;
import dev.quail.engine.serial.SerialPickup;
import dev.quail.engine.smtp.SmtpServer;
import dev.quail.engine.smtp.RecipientCheck;
import dev.quail.config.QuailHome;
import dev.quail.engine.tls.ServerTls;
import dev.quail.persistence.body.BodyStore;
import dev.quail.persistence.journal.JournalStore;
import dev.quail.persistence.journal.JournalStores;
import dev.quail.persistence.journal.LevelDbReadJournal;
import dev.quail.persistence.jdbc.SharedJournal;
import dev.quail.persistence.maildir.MaildirWriter;
import dev.quail.persistence.maildrop.Maildrop;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentPersistenceIdsQuery;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The guardian (qmail-start): builds the actor tree of DESIGN.md, resumes every unfinished message found in the
 * journal, and owns the order of a graceful stop — stop accepting, let local deliveries in progress finish and
 * checkpoint, then let the system go. What was accepted and not delivered stays in the journal for the next start.
 */
public final class Quail {
    public sealed interface Command {}

    /**
     * Where to listen; a port of 0 picks a free one (tests). POP3, POP3S, QMTP, QMQP, SMTPS and submission listen
     * only when given. {@code proxyProtocol}: every listener's clients come through a load balancer that names
     * them in a PROXY protocol header.
     */
    public record Listeners(String smtpHost, int smtpPort, Optional<InetSocketAddress> pop3,
                            Optional<InetSocketAddress> qmtp, Optional<InetSocketAddress> qmqp,
                            Optional<InetSocketAddress> smtps, Optional<InetSocketAddress> submission,
                            Optional<InetSocketAddress> pop3s, boolean proxyProtocol, AdminListener admin) {
        public Listeners(String smtpHost, int smtpPort) {
            this(smtpHost, smtpPort, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), false, new AdminListener(Optional.empty(), Optional.empty()));
        }
    }

    /** The admin listener, over HTTP or HTTPS; none unless given. */
    public record AdminListener(Optional<InetSocketAddress> http, Optional<InetSocketAddress> https) {}

    /**
     * SEND-01, as qmail-send: SIGHUP rereads the control files and users/assign (as quail reload), SIGALRM retries
     * every queued message now (as quail flush). The launcher's signal handlers send these.
     */
    public enum Signalled implements Command { HUP, ALRM }

    private record SmtpBound(SmtpServer.Bound bound) implements Command {}

    private record HttpBound(String address) implements Command {}

    private record ChildFailed(String name) implements Command {}

    private record QueueFailed(Queue.Failed failed) implements Command {}

    private Quail() {}

    /** A cluster node's share of the cluster: its settings and the shared journal, opened by quail start. */
    public record Clustered(ClusterNode node, SharedJournal journal) {}

    /**
     * Where the queue keeps its messages: the node's own LevelDB, or a cluster's shared journal. {@code query}
     * reads it for the admin (quail qread, the queue browser); {@code forget} removes a finished message.
     */
    private record Store(BodyStore bodies, Supplier<JournalStore.Health> health,
                         CurrentPersistenceIdsQuery ids, CurrentEventsByPersistenceIdQuery events,
                         Function<String, CompletionStage<Void>> forget) {}

    public static Behavior<Command> create(Controls controls, Ids ids, Listeners listeners) {
        return create(controls, ids, listeners, Optional.empty());
    }

    public static Behavior<Command> create(Controls controls, Ids ids, Listeners listeners,
                                           Optional<Clustered> cluster) {
        return Behaviors.setup(context -> {
            Executor io = context.getSystem().dispatchers()
                    .lookup(DispatcherSelector.fromConfig("quail.blocking-io-dispatcher"));
            Store store;
            try {
                store = cluster.isPresent() ? sharedStore(context, cluster.get().journal())
                        : ownStore(context, controls.home());
            } catch (RuntimeException e) {
                MessageLog.alert("cannot start: unable to open the journal " + controls.home().journal() + ": "
                        + e.getMessage());
                return Behaviors.stopped();
            }
            BodyStore bodies = store.bodies();
            Function<String, CompletionStage<Void>> forget = store.forget();
            SpawnStatus status = new SpawnStatus();
            String me = controls.current().control().me();
            var watcher = context.spawn(ControlWatcher.create(controls), "control");
            Traces traces = new Traces();
            Function<Optional<ConnectionGate.Gates>, Queue.Children> childrenWith = gates -> new Queue.Children() {
                @Override
                public Behavior<LocalSpawn.Command> localSpawn(Injector injector) {
                    return LocalSpawn.create(controls,
                            new LocalDelivery(controls, new MaildirWriter(me), injector, bodies), io, status);
                }

                @Override
                public Behavior<RemoteSpawn.Command> remoteSpawn() {
                    return RemoteSpawn.create(controls, status, bodies, gates);
                }

                @Override
                public Behavior<Cleaner.Command> cleaner() {
                    return Cleaner.create(forget);
                }
            };
            Partitions partitions = cluster.map(c -> c.node().partitions()).orElse(Partitions.SINGLE);
            LocalPartitions local = new LocalPartitions(partitions);
            ActorRef<Queue.Command> queue;
            if (cluster.isPresent()) {
                SharedJournal journal = cluster.get().journal();
                // The router keeps no state; a partition that throws is restarted like a single node's Queue.
                queue = context.spawn(Behaviors.supervise(QueueShards.create(partitions, local, (partition, gates) ->
                        partition(controls, ids, io, bodies, traces, childrenWith.apply(Optional.of(gates)),
                                partitions, partition, journal)))
                        .onFailure(SupervisorStrategy.restart()), "queue");
                sweepOrphanChunks(journal, io);
                // Restarted: it keeps only which warnings it gave.
                context.spawn(Behaviors.supervise(ControlPeers.create(controls, cluster.get().node().name()))
                        .onFailure(SupervisorStrategy.restart()), "control-peers");
            } else {
                Queue.Setup setup = new Queue.Setup(controls, ids::next, io, bodies, () -> messageIds(context),
                        traces, ScheduleIndex.PERSISTENCE_ID, "queue");
                ActorRef<Queue.Failed> queueFailed = context.messageAdapter(Queue.Failed.class, QueueFailed::new);
                // A Queue that throws is restarted: it reads the index and scans the journal again, as at a start.
                queue = context.spawn(Behaviors.supervise(Queue.create(setup, queueFailed,
                                childrenWith.apply(Optional.empty())))
                        .onFailure(SupervisorStrategy.restart()), "queue");
            }
            context.spawn(MaildropPickup.create(controls.home().maildrop(), queue, io, bodies, partitions),
                    "maildrop");
            QueueView view = new QueueView(store.ids(), store.events(), traces, context.getSystem());
            var admin = openAdmin(context, controls.home(), queue, watcher, view, store.health(), io);
            ActorRef<SmtpServer.Bound> bound = context.messageAdapter(SmtpServer.Bound.class, SmtpBound::new);
            Submitter submitter = new Submitter(queue, context.getSystem().scheduler(), () -> local.place(ids.next()),
                    cluster.isPresent() ? Submitter.CLUSTER_TIMEOUT : Submitter.TIMEOUT);
            // A warden that throws is restarted: its state is only when each list last ran, which it can forget.
            context.spawn(Behaviors.supervise(ListWarden.create(Lists.of(controls.home().root()),
                    new QueueInjector(submitter, bodies), io, Instant::now)).onFailure(SupervisorStrategy.restart()),
                    "list-warden");
            Supplier<JournalStore.Health> health = store.health();
            QueueSpace space = new QueueSpace(controls.home().queue(), controls, health, System::currentTimeMillis);
            SmtpServer.Services smtpServices = new SmtpServer.Services(controls, submitter, bodies,
                    ServerTls.open(controls.home().control("servercert.pem"), me),
                    new Logins(new Passwords(controls.home().passwords()), controls), space,
                    new RecipientCheck(QuailHome.of(controls.home().root()).alias(),
                            Lists.of(controls.home().root()), System::currentTimeMillis), io,
                    listeners.proxyProtocol(), new SerialPickup(controls, io, Clock.systemUTC()));
            var smtp = context.spawn(SmtpServer.create(listeners.smtpHost(), listeners.smtpPort(), smtpServices,
                    bound), "smtpd");
            context.watchWith(smtp, new ChildFailed("smtpd"));
            listen(context, "pop3d", listeners.pop3(),
                    address -> Pop3Server.create(address, controls, io, smtpServices.tls(), smtpServices.logins(),
                            listeners.proxyProtocol()));
            listen(context, "pop3s", listeners.pop3s(),
                    address -> Pop3Server.pop3s(address, controls, io, smtpServices.tls(), smtpServices.logins(),
                            listeners.proxyProtocol()));
            listen(context, "qmtpd", listeners.qmtp(),
                    address -> QmtpServer.qmtp(address, controls, submitter, bodies, space, io,
                            listeners.proxyProtocol()));
            listen(context, "qmqpd", listeners.qmqp(),
                    address -> QmtpServer.qmqp(address, controls, submitter, bodies, io, listeners.proxyProtocol()));
            listen(context, "smtps", listeners.smtps(), address -> SmtpServer.smtps(address, smtpServices));
            listen(context, "submission", listeners.submission(),
                    address -> SmtpServer.submission(address, smtpServices));
            AtomicBoolean smtpBound = new AtomicBoolean();
            HttpAdmin.Services httpServices = new HttpAdmin.Services(admin, view, controls,
                    smtpServices.logins(),
                    health, smtpBound::get, space,
                    () -> controls.current().control().limits().httploopbackopen() == 1, io);
            listeners.admin().http().ifPresent(address -> openHttp(context, address, Optional.empty(), httpServices));
            listeners.admin().https().ifPresent(address -> openHttp(context, address, Optional.of(smtpServices.tls()),
                    httpServices));
            context.watchWith(watcher, new ChildFailed("control"));
            gracefulStop(context.getSystem(), controls, smtp, queue);
            return Behaviors.receive(Command.class)
                    .onMessage(SmtpBound.class, b -> {
                        smtpBound.set(true);
                        return Behaviors.same();
                    })
                    .onMessage(HttpBound.class, b -> {
                        MessageLog.info("http admin listening on " + b.address());
                        return Behaviors.same();
                    })
                    .onMessageEquals(Signalled.HUP, () -> {
                        watcher.tell(new ControlWatcher.Reload(context.getSystem().ignoreRef()));
                        return Behaviors.same();
                    })
                    .onMessageEquals(Signalled.ALRM, () -> {
                        MessageLog.info("SIGALRM: retrying every queued message");
                        queue.tell(Queue.Flush.INSTANCE);
                        return Behaviors.same();
                    })
                    .onMessage(ChildFailed.class, failed -> {
                        MessageLog.alert("cannot start: " + failed.name() + " stopped");
                        return Behaviors.stopped();
                    })
                    .onMessage(QueueFailed.class, failed -> {
                        MessageLog.alert("cannot start: " + failed.failed().reason());
                        return Behaviors.stopped();
                    })
                    .build();
        });
    }

    /** An optional listener, watched like smtpd: one that cannot bind stops the server. */
    private static void listen(ActorContext<Command> context, String name, Optional<InetSocketAddress> address,
                               Function<InetSocketAddress, Behavior<TcpListener.Command>> server) {
        address.ifPresent(a -> context.watchWith(context.spawn(server.apply(a), name), new ChildFailed(name)));
    }

    /**
     * The admin listener. Like an SMTP listener that cannot bind, one that cannot is a refusal to start; once
     * bound it unbinds with the other listeners when the server stops.
     */
    private static void openHttp(ActorContext<Command> context, InetSocketAddress address, Optional<ServerTls> tls,
                                 HttpAdmin.Services services) {
        context.pipeToSelf(HttpAdmin.bind(context.getSystem(), address, tls, services), (binding, failure) -> {
            if (failure != null) return new ChildFailed("http admin on " + address + ": " + failure.getMessage());
            binding.addToCoordinatedShutdown(Duration.ofSeconds(5), context.getSystem());
            return new HttpBound(binding.localAddress().getHostString() + ":" + binding.localAddress().getPort());
        });
    }

    private static ActorRef<Admin.Command> openAdmin(ActorContext<Command> context, Home home,
                                                     ActorRef<Queue.Command> queue,
                                                     ActorRef<ControlWatcher.Command> watcher, QueueView view,
                                                     Supplier<JournalStore.Health> health, Executor io) {
        Admin.Views views = new Admin.Views(view, new Maildrop(home.maildrop()), health);
        var admin = context.spawn(Admin.create(queue, watcher, views, io), "admin");
        try {
            AdminSocket socket = AdminSocket.open(home.adminSocket(), admin, context.getSystem().scheduler());
            CoordinatedShutdown.get(context.getSystem()).addTask(CoordinatedShutdown.PhaseServiceUnbind(),
                    "admin-close", () -> {
                        try {
                            socket.close();
                        } catch (java.io.IOException e) {
                            MessageLog.warning("unable to remove " + home.adminSocket() + ": " + e.getMessage());
                        }
                        return CompletableFuture.completedFuture(Done.getInstance());
                    });
        } catch (java.io.IOException e) {
            MessageLog.alert("no admin socket at " + home.adminSocket() + ": " + e.getMessage()
                    + "; qstat, qread, flush and reload will not reach this server");
        }
        return admin;
    }

    /** The node's own journal, opened now so that a journal that cannot be opened is a refusal to start. */
    private static Store ownStore(ActorContext<Command> context, Home home) {
        var stores = JournalStores.get(Adapter.toClassic(context.getSystem()));
        JournalStore journal = stores.open(home.journal(), true);
        var query = PersistenceQuery.get(context.getSystem()).getReadJournalFor(LevelDbReadJournal.class,
                LevelDbReadJournal.IDENTIFIER);
        return new Store(journal, () -> stores.health(home.journal())
                .orElse(new JournalStore.Health(false, "the journal is closed", System.currentTimeMillis())),
                query, query, pid -> journal.deleteTo(pid, Long.MAX_VALUE));
    }

    private static Store sharedStore(ActorContext<Command> context, SharedJournal journal) {
        var query = PersistenceQuery.get(context.getSystem()).getReadJournalFor(JdbcReadJournal.class,
                JdbcReadJournal.Identifier());
        return new Store(journal.bodies(), journal::health, query, query, journal::forget);
    }

    /**
     * Queue partition {@code partition} of a cluster, as sharding starts it on this node: the messages whose ids
     * carry its number, its own due-time index, and its own spawns. Its bounces and forwards stay in it.
     */
    private static Behavior<Queue.Command> partition(Controls controls, Ids ids, Executor io, BodyStore bodies,
                                                     Traces traces, Queue.Children children, Partitions partitions,
                                                     int partition, SharedJournal journal) {
        String prefix = partitions.persistenceIdPrefix(partition);
        Queue.Journal messages = () -> Source.completionStage(CompletableFuture.supplyAsync(() -> {
                    try {
                        return journal.persistenceIds(prefix);
                    } catch (java.io.IOException e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                }, io))
                .mapConcat(pids -> pids)
                .map(pid -> pid.substring(Message.persistenceId("").length()));
        Queue.Setup setup = new Queue.Setup(controls, () -> partitions.in(partition, ids.next()), io, bodies,
                messages, traces, ScheduleIndex.persistenceId(partition), "queue partition " + partition);
        return Behaviors.setup(context -> {
            MessageLog.info("queue partition " + partition + " started");
            // A partition that cannot scan its messages stops; the next Ensure starts it again.
            ActorRef<Queue.Failed> failed = context.spawn(Behaviors.receive(Queue.Failed.class)
                    .onMessage(Queue.Failed.class, f -> {
                        MessageLog.alert("queue partition " + partition + ": " + f.reason());
                        return Behaviors.same();
                    }).build(), "failed");
            return Behaviors.supervise(Queue.create(setup, failed, children)).onFailure(SupervisorStrategy.restart());
        });
    }

    /**
     * Bodies whose message never got its Accepted event (a client gone mid-DATA, a node killed first), left by
     * any node: older than an hour, nobody is still writing them.
     */
    private static void sweepOrphanChunks(SharedJournal journal, Executor io) {
        CompletableFuture.runAsync(() -> {
            try {
                int swept = journal.sweepOrphanChunks(Duration.ofHours(1));
                if (swept > 0) MessageLog.info("swept the bodies of " + swept + " messages never accepted");
            } catch (java.io.IOException e) {
                MessageLog.warning("unable to sweep bodies never accepted: " + e.getMessage());
            }
        }, io);
    }

    /** Every message id with events in the journal: what a start must find (qmail-send's Q-44 scan, ids only). */
    private static Source<String, NotUsed> messageIds(ActorContext<Command> context) {
        CurrentPersistenceIdsQuery query = PersistenceQuery.get(context.getSystem())
                .getReadJournalFor(CurrentPersistenceIdsQuery.class, "quail.journal-query");
        String prefix = Message.persistenceId("");
        return query.currentPersistenceIds()
                .filter(pid -> pid.startsWith(prefix))
                .map(pid -> pid.substring(prefix.length()));
    }

    /**
     * The order of a graceful stop (SIGTERM): every listener unbinds (service-unbind), then deliveries in flight
     * finish and their results are journaled (service-requests-done), for at most timeoutshutdown seconds; what
     * did not finish is in the journal and is retried after the restart.
     */
    private static void gracefulStop(ActorSystem<Void> system, Controls controls, ActorRef<SmtpServer.Command> smtp,
                                     ActorRef<Queue.Command> queue) {
        CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
        shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "smtp-unbind",
                () -> AskPattern.<SmtpServer.Command, Done>ask(smtp, SmtpServer.Unbind::new, Duration.ofSeconds(20),
                        system.scheduler()).exceptionally(e -> Done.getInstance()));
        shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "drain", () -> {
            long seconds = controls.current().control().limits().timeoutshutdown();
            return AskPattern.<Queue.Command, Done>ask(queue, Queue.Drain::new, Duration.ofSeconds(seconds),
                    system.scheduler()).handle((done, timedOut) -> {
                        MessageLog.info(timedOut == null ? "status: exiting" : "status: exiting with deliveries"
                                + " still in flight after " + seconds + " s; they are retried after the restart");
                        return Done.getInstance();
                    });
        });
    }
}
