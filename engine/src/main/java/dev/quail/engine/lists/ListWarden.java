package dev.quail.engine.lists;

import dev.quail.engine.delivery.Injector;
import dev.quail.engine.delivery.Outcome;
import dev.quail.engine.delivery.ReceivedLine;
import dev.quail.engine.log.MessageLog;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * ezmlm-warn and ezmlm-clean run by a scheduler, not by traffic (EZ-08): every {@link #TICK} it looks at the lists
 * whose turn has come, each at most once per its timeout / 50 (idx's rate, at least {@link #TICK}, at most an hour),
 * walks their bouncing members through {@link BounceCycle} (warnings, probes, forgetting) and returns held posts
 * that waited too long ({@link Moderation#expire}). The work is file I/O and
 * queueing, so it runs on the blocking-I/O executor, one pass at a time; a tick that finds a pass still running is
 * skipped. A pass that fails is logged and the next tick tries again.
 */
public final class ListWarden {
    public sealed interface Command {}

    private enum Tick implements Command { INSTANCE }

    private record Passed(Map<String, Long> ran) implements Command {}

    static final Duration TICK = Duration.ofSeconds(1);
    private static final Duration LONGEST_PERIOD = Duration.ofHours(1);

    private final ActorContext<Command> context;
    private final Lists lists;
    private final Injector injector;
    private final Executor io;
    private final Supplier<Instant> clock;
    /** When each list's last pass ran, epoch seconds, by list address; only the actor touches it. */
    private final Map<String, Long> lastPass = new HashMap<>();
    private boolean running;

    public static Behavior<Command> create(Lists lists, Injector injector, Executor io, Supplier<Instant> clock) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(Tick.INSTANCE, TICK);
            return new ListWarden(context, lists, injector, io, clock).receive();
        }));
    }

    private ListWarden(ActorContext<Command> context, Lists lists, Injector injector, Executor io,
                         Supplier<Instant> clock) {
        this.context = context;
        this.lists = lists;
        this.injector = injector;
        this.io = io;
        this.clock = clock;
    }

    private Behavior<Command> receive() {
        return Behaviors.receive(Command.class)
                .onMessageEquals(Tick.INSTANCE, this::onTick)
                .onMessage(Passed.class, this::onPassed)
                .build();
    }

    private Behavior<Command> onTick() {
        if (running) return Behaviors.same();
        running = true;
        Map<String, Long> before = Map.copyOf(lastPass);
        CompletableFuture.supplyAsync(() -> pass(before), io)
                .exceptionally(e -> {
                    MessageLog.warning("lists: bounce pass failed: " + e);
                    return Map.of();
                })
                .thenAccept(ran -> context.getSelf().tell(new Passed(ran)));
        return Behaviors.same();
    }

    private Behavior<Command> onPassed(Passed p) {
        running = false;
        lastPass.putAll(p.ran());
        return Behaviors.same();
    }

    /** One pass over the lists whose turn it is; returns when each of them ran. */
    private Map<String, Long> pass(Map<String, Long> before) {
        Map<String, Long> ran = new HashMap<>();
        long now = clock.get().getEpochSecond();
        try {
            for (MailingList list : lists.all()) {
                Duration timeout = list.bounceTimeout();
                long period = Math.min(LONGEST_PERIOD.toSeconds(),
                        Math.max(TICK.toSeconds(), timeout.toSeconds() / 50));
                Long last = before.get(list.name().address());
                if (last != null && now - last < period) continue;
                walk(list, timeout, now);
                new Moderation(injector, Instant.ofEpochSecond(now), "").expire(list);
                ran.put(list.name().address(), now);
            }
        } catch (IOException e) {
            MessageLog.warning("lists: bounce pass: " + e.getMessage());
        }
        return ran;
    }

    private void walk(MailingList list, Duration timeout, long now) throws IOException {
        for (BounceStore.Record r : list.bounces().all()) {
            boolean subscribed = list.subscribers().contains(r.member());
            switch (BounceCycle.step(r, now, timeout, subscribed)) {
                case WAIT -> { }
                case FORGET -> list.locked(() -> {
                    list.bounces().remove(r.member());
                    return null;
                });
                case WARN -> send(list, r, false, now);
                case PROBE -> send(list, r, true, now);
            }
        }
    }

    /** Sends a warning or a probe from its cookie return address, then records it; a failure to queue waits. */
    private void send(MailingList list, BounceStore.Record r, boolean probe, long now) throws IOException {
        ListAddress name = list.name();
        String cookie = Cookies.cookie(list.key(), probe ? 'P' : 'W', Long.toString(now), Member.key(r.member()));
        String from = name.command("return-" + (probe ? "probe-" : "warn-") + now + "." + cookie + "-"
                + Member.verp(r.member()));
        byte[] mail = Replies.message(name, r.member(), (probe ? "probe" : "warning") + " from " + name
                + ": mail to you is bouncing", Optional.empty(),
                probe ? Replies.probe(name, r.member()) : Replies.warning(name, r.member(), r.count()),
                Instant.ofEpochSecond(now));
        Outcome sent = ListDelivery.queued(injector.inject(from, List.of(r.member()),
                new ByteArrayInputStream(mail), ReceivedLine.Invoked.BY_UID, "list"),
                "sent");
        if (!(sent instanceof Outcome.Success)) {
            MessageLog.warning("lists: " + name + ": unable to queue a " + (probe ? "probe" : "warning") + " to "
                    + r.member() + ": " + sent.report());
            return;
        }
        MessageLog.info("lists: " + name + ": sent a " + (probe ? "probe" : "warning") + " to " + r.member());
        list.locked(() -> {
            list.bounces().put(r.moved(probe ? BounceStore.State.PROBED : BounceStore.State.WARNED, now));
            return null;
        });
    }
}
