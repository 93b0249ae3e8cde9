package dev.quail.engine.remote;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.quail.config.Control;
import dev.quail.config.IpLiteral;
import dev.quail.config.DnsServers;
import dev.quail.config.Responses;
import dev.quail.config.Routes;
import dev.quail.config.Shaping;
import dev.quail.engine.Controls;
import dev.quail.engine.LocalAddresses;
import dev.quail.engine.dkim.DkimSigner;
import dev.quail.engine.lists.Lists;
import dev.quail.engine.lists.UnsubscribeFields;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.InetAddress;
import dev.quail.engine.delivery.DeliveryResult;
import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.delivery.SpawnStatus;
import dev.quail.engine.log.MessageLog;
import dev.quail.persistence.body.BodyStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.xbill.DNS.Resolver;

/**
 * qmail-rspawn, with qmail-send's concurrencyremote and Quail's destination shaping: takes each {@link RemoteJob},
 * finds the {@link Site} of each target's domain (smtproutes, else the domain's MX hosts: a DNS lookup, cached per
 * domain for its TTL, made before grouping so that every domain on one MX set shares one budget; a lookup that
 * fails settles its targets, permanently or not as DNS said), and groups the targets by site (or by domain, for a
 * domain control/shaping shapes apart) and envelope sender into {@link Batch}es, one SMTP transaction each, handed to
 * that site's {@link Host}, started on demand. Mail for a held site or domain (a suspension) gets no Host: it is
 * postponed at once to its place in the hold's release ({@link Suspensions}).
 *
 * <p>Its {@link Permits} keep concurrencyremote: a permit per open connection, idle ones included, given to the
 * Hosts in the order they ask, with pressure and reclaims so that no destination starves behind a busy one; in a
 * cluster, a new connection also needs leases from the cluster's {@link ConnectionGate}s ({@link Leases}), so that
 * concurrencyremote and a site's connections hold for all nodes together. Its {@link Shaper} says each Host's limits
 * (control/shaping, with the throttles in force), counts the control/responses matches the Hosts report and applies
 * the rules whose time has come; every change of holds or limits is told to the Hosts it concerns, and
 * control/shaping is reread at each job and every few seconds. It keeps each site's downed-host table
 * ({@link DownedHosts}, owned and used by that site's Host) while Hosts come and go, writes them to queue/tcpto
 * every few seconds when they changed and reads them back at start (in a cluster, it also tells their changes to the
 * other partitions and takes in theirs, {@link SharedTcpto}); {@link ListDowned} and {@link ClearDowned} serve quail
 * tcpto and quail tcpok, {@link Suspend}, {@link Resume} and {@link ListSites} quail suspend, resume and sites. The
 * status line ("status: local l/L remote r/R") counts open connections.
 *
 * <p>Failure policy: a Host that throws is restarted (its outstanding batches are answered as deferrals and its
 * permits given back first, see Host; it is then sent its limits and holds again); the RemoteSpawn itself is
 * restarted by the Queue, and its Hosts, stopped with it, answer what they held the same way; the downed-host tables
 * are read back from queue/tcpto and the holds and throttles from queue/suspensions. Jobs waiting for a DNS answer
 * when it restarts are answered by their Messages' deadline (timeoutresult). In a cluster, a RemoteSpawn that stops or
 * restarts gives its leases back first.
 */
public final class RemoteSpawn {
    /** Typed by class on the wire: the admin's requests reach the queue partitions of a cluster inside Queue.Downed. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
    public sealed interface Command {}

    public record Deliver(RemoteJob job) implements Command {}

    /** quail tcpto: every address with recent connect timeouts. */
    public record ListDowned(ActorRef<DownedList> replyTo) implements Command {}

    /** quail tcpto's answer. */
    public record DownedList(List<DownedHost> hosts) {}

    /** quail tcpok: forget every connect timeout. */
    public record ClearDowned(ActorRef<Done> replyTo) implements Command {}

    /** One entry of a downed-host table: down while count >= 2 and the last timeout is recent. */
    public record DownedHost(String destination, String ip, long lastTimeoutMillis, int count) {}

    /** quail suspend TARGET --for DURATION: {@code .suffix} for every site under it, else a domain. */
    public record Suspend(String target, Duration duration, String reason, ActorRef<String> replyTo)
            implements Command {}

    /** quail resume TARGET: a domain, a {@code .suffix}, or a site by its key. */
    public record Resume(String target, ActorRef<Resumed> replyTo) implements Command {}

    /** Whether anything was held, and when each message the lifted holds postponed is due now. */
    public record Resumed(boolean found, Map<String, Long> dueById) {}

    /** quail sites: each site with a Host or a hold. */
    public record ListSites(ActorRef<SiteList> replyTo) implements Command {}

    /** quail sites' answer. */
    public record SiteList(List<SiteView> sites) {}

    /**
     * One site as quail sites shows it. {@code domains}: the first domains seen there ({@code domainCount} in all,
     * counted up to 10,000); {@code suspendedUntil}: 0 when not held; {@code lastMinute}: transactions finished in the
     * last minute.
     */
    public record SiteView(String site, List<String> hosts, List<String> domains, int domainCount, int connections,
                           int ready, long lastMinute, long suspendedUntil, String reason, String limits,
                           List<String> replies) {
        /** This site as two spawns see it together (a cluster's queue partitions): their traffic added up. */
        public SiteView plus(SiteView other) {
            return new SiteView(site, hosts, domains, Math.max(domainCount, other.domainCount),
                    connections + other.connections, ready + other.ready, lastMinute + other.lastMinute,
                    Math.max(suspendedUntil, other.suspendedUntil), reason.isEmpty() ? other.reason : reason, limits,
                    replies);
        }
    }

    record Acquire(String key) implements Command {}

    record Release(String key) implements Command {}

    record Passivate(String key, long received) implements Command {}

    /** A graceful stop: no new transaction; answered once those on the wire (SMTP and QMTP) have finished. */
    public record Drain(ActorRef<Done> replyTo) implements Command {}

    record Drained(String key) implements Command {}

    private record QmtpDone() implements Command {}

    /** One control/responses rule that matched a reply line of a recipient at {@code domain}. */
    record Match(Responses.Rule rule, String line, String domain) {}

    /**
     * From a Host: replies matched suspend or throttle rules; {@code batch}'s recipients (their results are
     * {@code outcomes}) are answered here, once the rules had their say: a deferral of mail now held is postponed.
     */
    record Matched(String key, List<Match> matches, Batch batch, List<Outcome> outcomes) implements Command {}

    /** From a Host: mail it holds that a hold now keeps back. */
    record Postpone(String key, Batch batch) implements Command {}

    /** From a Host that is restarting: it needs its limits and holds again. */
    record Restarted(String key) implements Command {}

    /** A job whose sites DNS is finding; routed once every lookup has answered. */
    private record Located(RemoteJob job, List<Placed> targets, Map<String, CompletableFuture<Dns.SiteLookup>> sites)
            implements Command {}

    private record Placed(RemoteJob.Target target, Destination destination) {}

    /** What every Host of this spawn shares. */
    record Shared(Controls controls, CurrentDns dns, AtomicLong deliveries, Supplier<Duration> reuseWindow,
                  BodyStore bodies, LongSupplier clock, DkimSigner dkim, UnsubscribeFields listFields) {
        /**
         * What a delivery under {@code control} puts before a message: a list member's List-Unsubscribe fields
         * when it is a list post, then a DKIM-Signature over them and the message when its author's domain has a
         * key, so the signature covers the per-recipient fields.
         */
        Stamp stamp(Control control) {
            boolean signing = !control.dkimdomains().selectors().isEmpty();
            if (!signing && !listFields.any()) return Stamp.NONE;
            return (sender, recipients, message) -> {
                Optional<byte[]> fields = listFields.fields(sender, recipients);
                if (!signing) return fields;
                InputStream whole = fields.isEmpty() ? message
                        : new SequenceInputStream(new ByteArrayInputStream(fields.get()), message);
                Optional<byte[]> signature = dkim.sign(control.dkimdomains(), whole);
                if (signature.isEmpty()) return fields;
                if (fields.isEmpty()) return signature;
                byte[] both = Arrays.copyOf(signature.get(), signature.get().length + fields.get().length);
                System.arraycopy(fields.get(), 0, both, signature.get().length, fields.get().length);
                return Optional.of(both);
            };
        }
    }

    /**
     * The outside world, replaceable in tests: the SMTP port for MX and literal destinations, DNS, clock; and a
     * reuse window other than control/timeoutreuse's.
     */
    record Environment(int smtpPort, Function<DnsServers, Resolver> resolvers, LongSupplier clock,
                       long tcptoBackoffMillis, Optional<Duration> reuseWindow) {
        static Environment standard() {
            return new Environment(25, CurrentDns::standardResolver, System::currentTimeMillis,
                    DownedHosts.randomBackoffMillis(), Optional.empty());
        }
    }

    private enum Save implements Command { INSTANCE }

    /** A cluster's connection gate answered a claim of this partition. */
    private record GateAnswer(ConnectionGate.Allowed allowed) implements Command {}

    /** What the other partitions of the cluster found of downed hosts. */
    private record Learned(List<SharedTcpto.Mark> marks) implements Command {}

    /** Time to claim again where a gate gave less than was wanted. */
    private enum ClaimAgain implements Command { INSTANCE }

    static final Duration CLAIM_AGAIN = Duration.ofMillis(250);

    static final Duration SAVE_EVERY = Duration.ofSeconds(5);

    static final int DOMAINS_SHOWN = 20;
    /** Domains counted per site, at most: a site with more shows this many. */
    static final int DOMAINS_COUNTED = 10_000;

    /** A Host as the spawn sees it. */
    private static final class Entry {
        final ActorRef<Host.Command> ref;
        final Site site;
        final Optional<String> domain;
        final SiteStats stats;
        final Set<String> domains = new LinkedHashSet<>();
        Shaping.Limits limits;
        long sent;

        Entry(ActorRef<Host.Command> ref, Site site, Optional<String> domain, SiteStats stats, Shaping.Limits limits) {
            this.ref = ref;
            this.site = site;
            this.domain = domain;
            this.stats = stats;
            this.limits = limits;
        }

        void seen(String d) {
            if (domains.size() < DOMAINS_COUNTED) domains.add(d);
        }

        /** The first domains seen, as many as quail sites shows. */
        List<String> shown() {
            return domains.stream().limit(DOMAINS_SHOWN).toList();
        }
    }

    private final ActorContext<Command> context;
    private final Controls controls;
    private final SpawnStatus status;
    private final Environment environment;
    private final Shared shared;
    private final Map<String, Entry> hosts = new HashMap<>();
    private final Map<String, DownedHosts> downed = new HashMap<>();
    private final Path tcpto;
    private final Shaper shaper;
    private final Set<String> draining = new HashSet<>();
    private ActorRef<Done> drainedReplyTo;
    private int qmtpInFlight;
    private final Permits permits;
    private long hostSeq;
    private final Leases leases;
    private final TimerScheduler<Command> timers;
    /** In a cluster: where the downed-host marks go to the other partitions and come from them. */
    private final Optional<ActorRef<SharedTcpto.Command>> sharedTcpto;

    /**
     * A single node's (no gates: its own count is the limit), or a cluster's queue partition's, whose connections
     * also need leases from the cluster's gates.
     */
    public static Behavior<Command> create(Controls controls, SpawnStatus status, BodyStore bodies,
                                           Optional<ConnectionGate.Gates> gates) {
        return create(controls, status, Environment.standard(), bodies, gates);
    }

    static Behavior<Command> create(Controls controls, SpawnStatus status, Environment environment,
                                    BodyStore bodies) {
        return create(controls, status, environment, bodies, Optional.empty());
    }

    static Behavior<Command> create(Controls controls, SpawnStatus status, Environment environment,
                                    BodyStore bodies, Optional<ConnectionGate.Gates> gates) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Save.INSTANCE, SAVE_EVERY);
            Leases leases = gates.map(g -> new Leases(g, context.messageAdapter(ConnectionGate.Allowed.class,
                    GateAnswer::new), environment.clock())).orElse(Leases.NONE);
            // Restarted when it throws: the marks live in the node's replicator, not in it.
            Optional<ActorRef<SharedTcpto.Command>> sharedTcpto = gates.map(g -> context.spawn(Behaviors.supervise(
                    SharedTcpto.create(context.messageAdapter(SharedTcpto.Learned.class, l -> new Learned(l.marks()))))
                    .onFailure(SupervisorStrategy.restart()), "shared-tcpto"));
            return new RemoteSpawn(context, timers, controls, status, environment, bodies, leases, sharedTcpto)
                    .receive();
        }));
    }

    private RemoteSpawn(ActorContext<Command> context, TimerScheduler<Command> timers, Controls controls,
                        SpawnStatus status, Environment environment, BodyStore bodies, Leases leases,
                        Optional<ActorRef<SharedTcpto.Command>> sharedTcpto) {
        this.context = context;
        this.timers = timers;
        this.leases = leases;
        this.permits = new Permits(key -> hosts.containsKey(key) ? hosts.get(key).ref : null,
                key -> hosts.containsKey(key) ? hosts.get(key).limits.connections() : Shaping.Limits.NONE,
                () -> controls.current().control().concurrencyremote(),
                status, leases);
        this.sharedTcpto = sharedTcpto;
        this.controls = controls;
        this.status = status;
        this.environment = environment;
        this.shared = new Shared(controls, new CurrentDns(environment.resolvers(), new LocalAddresses(),
                environment.clock()), status.deliveries(), () -> environment.reuseWindow().orElseGet(() ->
                        Duration.ofSeconds(controls.current().control().limits().timeoutreuse())), bodies,
                environment.clock(), DkimSigner.of(controls.home().control()),
                new UnsubscribeFields(Lists.of(controls.home().root())));
        this.tcpto = controls.home().queue().resolve("tcpto");
        TcptoFile.load(tcpto, this::downedFor);
        this.shaper = new Shaper(controls.home().queue().resolve("suspensions"), controls.current().control().shaping(),
                new Random());
    }

    private long now() {
        return environment.clock().getAsLong();
    }

    private DownedHosts downedFor(String destination) {
        return downed.computeIfAbsent(destination,
                d -> new DownedHosts(environment.clock(), environment.tcptoBackoffMillis(), sharedTcpto.isPresent()));
    }

    /**
     * Writes queue/tcpto when a table changed, and forgets empty tables whose Host is gone; ends the holds and
     * throttles that are over, and picks up a changed control/shaping.
     */
    private Behavior<Command> onSave() {
        boolean changed = false;
        leases.renew();
        sharedTcpto.ifPresent(this::tellUntold);
        for (DownedHosts table : downed.values()) changed |= table.takeChanged();
        if (changed) TcptoFile.save(tcpto, downed);
        downed.entrySet().removeIf(e -> e.getValue().isEmpty() && !hosts.containsKey(e.getKey()));
        if (shaper.expire(now())) {
            holdsChanged();
            reshape();
        } else {
            reloadShaping();
        }
        return Behaviors.same();
    }

    private void tellUntold(ActorRef<SharedTcpto.Command> shared) {
        List<SharedTcpto.Mark> marks = new ArrayList<>();
        downed.forEach((destination, table) -> table.takeUntold().forEach((ip, e) -> marks.add(
                new SharedTcpto.Mark(destination, ip.getHostAddress(), e.count(), e.lastMillis()))));
        if (!marks.isEmpty()) shared.tell(new SharedTcpto.Tell(marks, now()));
    }

    private Behavior<Command> onLearned(Learned l) {
        for (SharedTcpto.Mark m : l.marks()) {
            Optional<InetAddress> ip = IpLiteral.parse(m.ip());
            // A word that an address answered matters only where it is marked.
            if (ip.isEmpty() || (m.count() == 0 && !downed.containsKey(m.destination()))) continue;
            downedFor(m.destination()).learn(ip.get(), m.count(), m.lastMillis());
        }
        return Behaviors.same();
    }

    private void reloadShaping() {
        if (shaper.reloaded(controls.current().control().shaping())) reshape();
    }

    /** Tells each Host whose limits changed its new ones. */
    private void reshape() {
        long now = now();
        for (Entry e : hosts.values()) {
            Shaping.Limits limits = shaper.limits(e.site, e.domain, now);
            if (!limits.equals(e.limits)) {
                e.limits = limits;
                e.ref.tell(new Host.Reshape(limits));
            }
        }
    }

    /** Tells every Host what is held now. */
    private void holdsChanged() {
        hosts.values().forEach(this::tellHold);
    }

    private void tellHold(Entry e) {
        long now = now();
        e.ref.tell(new Host.Hold(shaper.siteHeld(e.site, now), shaper.heldDomains(now)));
    }

    private Behavior<Command> receive() {
        return Behaviors.receive(Command.class)
                .onMessage(Deliver.class, this::onDeliver)
                .onMessage(Acquire.class, this::onAcquire)
                .onMessage(Release.class, this::onRelease)
                .onMessage(Passivate.class, this::onPassivate)
                .onMessageEquals(Save.INSTANCE, this::onSave)
                .onMessage(Learned.class, this::onLearned)
                .onMessage(GateAnswer.class, a -> {
                    leases.allowed(a.allowed());
                    permits.grant();
                    return claimAgainIfStarved();
                })
                .onMessageEquals(ClaimAgain.INSTANCE, () -> {
                    leases.retry();
                    return Behaviors.same();
                })
                .onSignal(PostStop.class, stop -> giveBackLeases())
                .onSignal(PreRestart.class, restart -> giveBackLeases())
                .onMessage(Drain.class, d -> {
                    drainedReplyTo = d.replyTo();
                    draining.addAll(hosts.keySet());
                    hosts.values().forEach(e -> e.ref.tell(Host.Drain.INSTANCE));
                    return answerDrain();
                })
                .onMessage(Drained.class, d -> {
                    draining.remove(d.key());
                    return answerDrain();
                })
                .onMessage(QmtpDone.class, q -> {
                    qmtpInFlight--;
                    return answerDrain();
                })
                .onMessage(ListDowned.class, l -> {
                    List<DownedHost> all = new ArrayList<>();
                    downed.forEach((destination, table) -> all.addAll(table.list(destination)));
                    l.replyTo().tell(new DownedList(all));
                    return Behaviors.same();
                })
                .onMessage(ClearDowned.class, c -> {
                    downed.values().forEach(DownedHosts::clear);
                    c.replyTo().tell(Done.getInstance());
                    return Behaviors.same();
                })
                .onMessage(Located.class, this::route)
                .onMessage(Matched.class, this::onMatched)
                .onMessage(Postpone.class, this::onPostpone)
                .onMessage(Restarted.class, r -> {
                    Entry e = hosts.get(r.key());
                    if (e != null) {
                        e.ref.tell(new Host.Reshape(e.limits));
                        tellHold(e);
                    }
                    return Behaviors.same();
                })
                .onMessage(Suspend.class, this::onSuspend)
                .onMessage(Resume.class, this::onResume)
                .onMessage(ListSites.class, l -> {
                    l.replyTo().tell(new SiteList(sites()));
                    return Behaviors.same();
                })
                .build();
    }

    private Behavior<Command> answerDrain() {
        if (drainedReplyTo != null && draining.isEmpty() && qmtpInFlight == 0) {
            drainedReplyTo.tell(Done.getInstance());
            drainedReplyTo = null;
        }
        return Behaviors.same();
    }

    private boolean stopping() {
        return drainedReplyTo != null || !draining.isEmpty();
    }

    private Behavior<Command> onDeliver(Deliver d) {
        // Stopping: the message is recovered after the restart and tries again then.
        if (stopping()) return Behaviors.same();
        reloadShaping();
        RemoteJob job = d.job();
        Control control = controls.current().control();
        Dns dns = shared.dns().get(control.dnsservers());
        List<Placed> placed = new ArrayList<>();
        Map<String, CompletableFuture<Dns.SiteLookup>> sites = new HashMap<>();
        Map<List<Object>, List<RemoteJob.Target>> qmtp = new LinkedHashMap<>();
        for (RemoteJob.Target t : job.targets()) {
            var qmtpRelay = control.qmtproutes().lookup(t.domain());
            if (qmtpRelay.isPresent()) {
                qmtp.computeIfAbsent(List.of(qmtpRelay.get(), t.sender()), k -> new ArrayList<>()).add(t);
                continue;
            }
            Destination dest = Destination.of(t.domain(), control.smtproutes(), environment.smtpPort(),
                    control.tlsdestinations());
            placed.add(new Placed(t, dest));
            sites.computeIfAbsent(dest.key(), k -> dns.site(dest).toCompletableFuture());
        }
        qmtp.forEach((key, targets) -> viaQmtp(job, (Routes.Relay) key.get(0), (String) key.get(1), targets, control));
        if (placed.isEmpty()) return Behaviors.same();
        Located located = new Located(job, placed, sites);
        if (sites.values().stream().allMatch(CompletableFuture::isDone)) return route(located);
        context.pipeToSelf(CompletableFuture.allOf(sites.values().toArray(new CompletableFuture<?>[0])),
                (ok, failure) -> located);
        return Behaviors.same();
    }

    /**
     * Each target of a job whose sites are known: settled when its domain has no site, postponed when its mail is
     * held, else grouped by Host and sender into batches.
     */
    private Behavior<Command> route(Located located) {
        if (stopping()) return Behaviors.same();
        // quail reload's control/shaping applies to this batch, not from the next save on: a Host started in
        // between would get the old limits. Only a reference comparison when nothing changed.
        reloadShaping();
        RemoteJob job = located.job();
        long now = now();
        Map<List<String>, List<RemoteJob.Target>> groups = new LinkedHashMap<>();
        Map<String, Placement> placements = new HashMap<>();
        Map<List<Object>, List<RemoteJob.Target>> failed = new LinkedHashMap<>();
        Map<Suspensions.Hold, Map<String, List<RemoteJob.Target>>> held = new IdentityHashMap<>();
        for (Placed p : located.targets()) {
            RemoteJob.Target t = p.target();
            Dns.SiteLookup lookup = located.sites().get(p.destination().key()).join();
            if (lookup instanceof Dns.SiteLookup.Failed f) {
                failed.computeIfAbsent(List.of(f.outcome(), t.sender()), k -> new ArrayList<>()).add(t);
                continue;
            }
            Site site = ((Dns.SiteLookup.Found) lookup).site();
            Optional<Suspensions.Hold> hold = shaper.holding(site, t.domain(), now);
            if (hold.isPresent()) {
                held.computeIfAbsent(hold.get(), h -> new LinkedHashMap<>())
                        .computeIfAbsent(t.sender(), k -> new ArrayList<>()).add(t);
                continue;
            }
            Optional<String> apart = shaper.apart(t.domain(), now) ? Optional.of(t.domain()) : Optional.empty();
            String key = apart.map(domain -> site.key() + " for " + domain).orElse(site.key());
            placements.putIfAbsent(key, new Placement(site, apart));
            groups.computeIfAbsent(List.of(key, t.sender()), k -> new ArrayList<>()).add(t);
        }
        failed.forEach((key, targets) -> batch(job, (String) key.get(1), targets)
                .settle(shared.deliveries(), (Outcome) key.get(0)));
        held.forEach((hold, bySender) -> {
            Outcome postponed = shaper.postpone(hold, job.messageId()); // one place in the release per message
            bySender.forEach((sender, targets) -> batch(job, sender, targets).settle(shared.deliveries(), postponed));
        });
        groups.forEach((key, targets) -> {
            Entry host = host(key.get(0), placements.get(key.get(0)));
            host.sent++;
            targets.forEach(t -> host.seen(t.domain()));
            host.ref.tell(new Host.Deliver(batch(job, key.get(1), targets)));
        });
        return Behaviors.same();
    }

    private record Placement(Site site, Optional<String> domain) {}

    private static Batch batch(RemoteJob job, String sender, List<RemoteJob.Target> targets) {
        return new Batch(job.messageId(), job.body(), sender, targets, job.replyTo(), List.of());
    }

    /** What a Host reported for rules to count; then its recipients' results, postponed where now held. */
    private Behavior<Command> onMatched(Matched m) {
        Entry e = hosts.get(m.key());
        long now = now();
        if (e != null) {
            Shaper.Changes changes = shaper.matched(e.site, m.matches(), now);
            if (changes.holds()) holdsChanged();
            if (changes.limits()) reshape();
        }
        Map<Suspensions.Hold, Outcome> postponed = new IdentityHashMap<>();
        for (int i = 0; i < m.batch().targets().size(); i++) {
            Outcome outcome = m.outcomes().get(i);
            Optional<Suspensions.Hold> hold = e == null || !(outcome instanceof Outcome.Deferral) ? Optional.empty()
                    : shaper.holding(e.site, m.batch().targets().get(i).domain(), now);
            if (hold.isPresent()) {
                outcome = postponed.computeIfAbsent(hold.get(), h -> shaper.postpone(h, m.batch().messageId()));
            }
            m.batch().answer(i, outcome);
        }
        return Behaviors.same();
    }

    /** Mail a Host handed back because it is held: postponed; whatever is no longer held goes back to the Host. */
    private Behavior<Command> onPostpone(Postpone p) {
        Entry e = hosts.get(p.key());
        if (e == null) {
            p.batch().settle(shared.deliveries(), new Outcome.Deferral(Host.HOST_GONE));
            return Behaviors.same();
        }
        long now = now();
        Map<Suspensions.Hold, List<Integer>> held = new IdentityHashMap<>();
        List<Integer> free = new ArrayList<>();
        for (int i = 0; i < p.batch().targets().size(); i++) {
            Optional<Suspensions.Hold> hold = shaper.holding(e.site, p.batch().targets().get(i).domain(), now);
            if (hold.isPresent()) held.computeIfAbsent(hold.get(), h -> new ArrayList<>()).add(i);
            else free.add(i);
        }
        held.forEach((hold, indexes) -> p.batch().subset(indexes).settle(shared.deliveries(),
                shaper.postpone(hold, p.batch().messageId())));
        if (!free.isEmpty()) {
            e.sent++;
            e.ref.tell(new Host.Deliver(p.batch().subset(free)));
        }
        return Behaviors.same();
    }

    private Behavior<Command> onSuspend(Suspend s) {
        s.replyTo().tell(shaper.suspend(s.target(), s.duration(), s.reason(), now()));
        holdsChanged();
        return Behaviors.same();
    }

    private Behavior<Command> onResume(Resume r) {
        Optional<Map<String, Long>> due = shaper.resume(r.target(), now());
        if (due.isPresent()) holdsChanged();
        r.replyTo().tell(new Resumed(due.isPresent(), due.orElse(Map.of())));
        return Behaviors.same();
    }

    /** quail sites: every Host, then the holds no Host stands for. */
    private List<SiteView> sites() {
        long now = now();
        List<SiteView> views = new ArrayList<>();
        Set<Suspensions.Hold> shown = new HashSet<>();
        for (var each : hosts.entrySet()) {
            Entry e = each.getValue();
            Optional<Suspensions.Hold> hold = Optional.empty();
            for (Suspensions.Hold h : shaper.holds()) {
                boolean covers = h.kind == Suspensions.Kind.DOMAIN ? e.domains.contains(h.target) : h.covers(e.site);
                if (covers && h.until > now && hold.map(o -> h.until > o.until).orElse(true)) hold = Optional.of(h);
            }
            hold.ifPresent(shown::add);
            views.add(new SiteView(each.getKey(), e.site.names(), e.shown(), e.domains.size(),
                    e.stats.connections(), e.stats.ready(), e.stats.lastMinute(now), hold.map(h -> h.until).orElse(0L),
                    hold.map(h -> h.reason).orElse(""), e.limits.describe(), e.stats.replies()));
        }
        for (Suspensions.Hold h : shaper.holds()) {
            if (shown.contains(h) || h.until <= now) continue;
            views.add(new SiteView(h.target, h.names, h.kind == Suspensions.Kind.DOMAIN ? List.of(h.target) : List.of(),
                    h.kind == Suspensions.Kind.DOMAIN ? 1 : 0, 0, 0, 0, h.until, h.reason, "", List.of()));
        }
        return views;
    }

    /**
     * control/qmtproutes: one QMTP package per relay and sender. QMTP has no connection reuse to manage and
     * qmail's QMTP patches do not count it against concurrencyremote, so it bypasses the Host actors.
     */
    private void viaQmtp(RemoteJob job, Routes.Relay relay, String sender, List<RemoteJob.Target> targets,
                         Control control) {
        List<String> recipients = new ArrayList<>(targets.size());
        List<Long> numbers = new ArrayList<>(targets.size());
        for (RemoteJob.Target t : targets) {
            recipients.add(t.address());
            long n = shared.deliveries().incrementAndGet();
            numbers.add(n);
            MessageLog.starting(n, job.messageId(), "remote", t.address());
        }
        qmtpInFlight++;
        ActorRef<Command> self = context.getSelf();
        QmtpDelivery.deliver(context.getSystem(), shared.bodies(), relay, new QmtpDelivery.Timeouts(
                        Duration.ofSeconds(control.timeoutconnect()), Duration.ofSeconds(control.timeoutremote()),
                        Duration.ofSeconds(control.limits().timeouttransaction())), sender, recipients, job.body(),
                        shared.stamp(control))
                .whenComplete((outcomes, failure) -> {
                    for (int i = 0; i < targets.size(); i++) {
                        Outcome o = outcomes != null ? outcomes.get(i)
                                : new Outcome.Deferral("QMTP delivery failed: " + failure + " (#4.4.2)");
                        MessageLog.result(numbers.get(i), o);
                        job.replyTo().tell(new DeliveryResult(targets.get(i).recipient(), o));
                    }
                    self.tell(new QmtpDone()); // after the results, so a drain ends after the Messages have them
                });
    }

    private Entry host(String key, Placement placement) {
        Entry e = hosts.get(key);
        if (e != null) return e;
        long now = now();
        Shaping.Limits limits = shaper.limits(placement.site(), placement.domain(), now);
        SiteStats stats = new SiteStats();
        Host.Setup setup = new Host.Setup(key, placement.site(), limits, downedFor(key), stats);
        // A Host that throws is restarted; it answers what it held and gives its permits back first (see Host).
        e = new Entry(context.spawn(Behaviors.supervise(Host.create(setup, context.getSelf(), shared))
                .onFailure(SupervisorStrategy.restart()), "host-" + ++hostSeq), placement.site(), placement.domain(),
                stats, limits);
        hosts.put(key, e);
        if (shaper.siteHeld(placement.site(), now) || !shaper.heldDomains(now).isEmpty()) tellHold(e);
        return e;
    }

    private Behavior<Command> onAcquire(Acquire a) {
        if (hosts.containsKey(a.key())) permits.acquire(a.key());
        return claimAgainIfStarved();
    }

    private Behavior<Command> onRelease(Release r) {
        permits.release(r.key());
        return claimAgainIfStarved();
    }

    /** Stopping or restarting: the other partitions need not wait for this one's leases to expire. */
    private Behavior<Command> giveBackLeases() {
        leases.giveBack();
        return Behaviors.same();
    }

    /** A gate that gave less than was wanted is asked again a moment later. */
    private Behavior<Command> claimAgainIfStarved() {
        if (leases.starved() && !timers.isTimerActive(ClaimAgain.INSTANCE)) {
            timers.startSingleTimer(ClaimAgain.INSTANCE, CLAIM_AGAIN);
        }
        return Behaviors.same();
    }

    private Behavior<Command> onPassivate(Passivate p) {
        Entry e = hosts.get(p.key());
        if (e != null && e.sent == p.received() && permits.idle(p.key())) {
            hosts.remove(p.key());
            context.stop(e.ref);
            draining.remove(p.key());
            answerDrain();
        }
        return Behaviors.same();
    }
}
