package dev.quail.engine.cluster;

import dev.quail.engine.Controls;
import dev.quail.engine.log.MessageLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Each node keeps its own control/ (the operator keeps the copies equal); this actor notices when they are not
 * where it matters most: a node with another {@code me} names itself differently in Received lines and bounces,
 * and one with other {@code locals} or {@code rcpthosts} accepts or delivers differently, depending on which node
 * the load balancer picked. Every {@link #EVERY}, each node tells the others (found through the receptionist) a
 * digest of its three; a node whose digest differs is named in a warning, once per change, and again in an info
 * line when they agree again.
 *
 * <p>Failure policy: restarted by the guardian; it keeps only which warnings it gave, and repeats them after a
 * restart at worst.
 */
public final class ControlPeers {
    public sealed interface Command {}

    /** What a node tells the others: its me, and digests of its locals and rcpthosts (sorted, lower case). */
    public record Digest(String node, String me, String locals, String rcpthosts) implements Command {}

    private record Peers(Set<ActorRef<Command>> peers) implements Command {}

    private enum Tick implements Command { INSTANCE }

    static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "quail-control-peers");
    static final Duration EVERY = Duration.ofSeconds(30);

    private final ActorContext<Command> context;
    private final Controls controls;
    private final String node;
    private final Map<String, List<String>> warned = new HashMap<>();
    private Set<ActorRef<Command>> peers = Set.of();
    /** This node's digest, read from control/ once a round (not once per peer's digest). */
    private Digest own;

    private ControlPeers(ActorContext<Command> context, Controls controls, String node) {
        this.context = context;
        this.controls = controls;
        this.node = node;
    }

    public static Behavior<Command> create(Controls controls, String node) {
        return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
            var receptionist = context.getSystem().receptionist();
            receptionist.tell(Receptionist.register(KEY, context.getSelf()));
            receptionist.tell(Receptionist.subscribe(KEY, context.messageAdapter(Receptionist.Listing.class,
                    listing -> new Peers(listing.getServiceInstances(KEY)))));
            timers.startTimerWithFixedDelay(Tick.INSTANCE, EVERY);
            ControlPeers peers = new ControlPeers(context, controls, node);
            peers.own = peers.digest();
            return peers.receive();
        }));
    }

    private Behavior<Command> receive() {
        return Behaviors.receive(Command.class)
                .onMessage(Peers.class, p -> {
                    peers = p.peers();
                    return tellPeers();
                })
                .onMessageEquals(Tick.INSTANCE, this::tellPeers)
                .onMessage(Digest.class, this::onDigest)
                .build();
    }

    private Behavior<Command> tellPeers() {
        own = digest();
        for (ActorRef<Command> peer : peers) {
            if (!peer.equals(context.getSelf())) peer.tell(own);
        }
        return Behaviors.same();
    }

    private Behavior<Command> onDigest(Digest theirs) {
        List<String> differences = differences(own, theirs);
        List<String> before = warned.getOrDefault(theirs.node(), List.of());
        if (!differences.equals(before)) {
            if (differences.isEmpty()) {
                MessageLog.info("control files agree with node " + theirs.node() + " again");
            } else {
                MessageLog.warning("control files differ from node " + theirs.node() + ": "
                        + String.join(", ", differences) + "; keep control/ the same on every node");
            }
            warned.put(theirs.node(), differences);
        }
        return Behaviors.same();
    }

    /** What differs between two nodes' digests, in words for the log. */
    static List<String> differences(Digest ours, Digest theirs) {
        List<String> differ = new ArrayList<>();
        if (!ours.me().equals(theirs.me())) differ.add("me (" + ours.me() + " here, " + theirs.me() + " there)");
        if (!ours.locals().equals(theirs.locals())) differ.add("locals");
        if (!ours.rcpthosts().equals(theirs.rcpthosts())) differ.add("rcpthosts");
        return differ;
    }

    private Digest digest() {
        return new Digest(node, controls.current().control().me(), fileDigest(controls.home().control("locals")),
                fileDigest(controls.home().control("rcpthosts")));
    }

    /** The file's lines as qmail reads them (no blanks or comments, case ignored), sorted, hashed; "" if absent. */
    static String fileDigest(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1).stream()
                    .map(line -> line.strip().toLowerCase(Locale.ROOT))
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .sorted()
                    .toList();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1)));
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
