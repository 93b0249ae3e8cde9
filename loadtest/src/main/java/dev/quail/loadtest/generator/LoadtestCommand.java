/*
 * quail loadtest: an SMTP load generator. --concurrency sessions each keep one connection and send
 * messages back to back (closed loop), or, with --rate, messages are due at a fixed rate whatever the
 * server does (open loop, see Work). Messages: MessageBuilder (--size), recipients: Recipients (--rcpts).
 * The envelope sender is loadtest@localhost. --connection-per-message opens a connection for each message;
 * --connect-only sends no mail, each "message" being a connection's greeting, EHLO and QUIT (Connections).
 *
 * It reports sent / accepted / rejected, the accept rate ("N msg/s") and p50/p99 latency (Report): a
 * live line on a terminal, then a plain summary, or one JSON object with --json. With --wait-maildir or
 * --wait-sink it then waits for delivery (DeliveryWait) and reports the end-to-end rate separately.
 *
 * Exit: 0 when every message was accepted (and delivered, when waiting); 111 when anything was refused,
 * failed, or not delivered; 100 for a usage error.
 */
package dev.quail.loadtest.generator;

import dev.quail.loadtest.HostPort;
import dev.quail.loadtest.Main;
import dev.quail.loadtest.Systems;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.pekko.actor.ActorSystem;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "loadtest", mixinStandardHelpOptions = true, description = "Send SMTP load and report the accept (and end-to-end) rate.")
public final class LoadtestCommand implements Callable<Integer> {

    static final String SENDER = "loadtest@localhost";
    /** How long a session waits for a reply before it counts the connection as failed. */
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Option(names = "--target", required = true, paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "The SMTP server to load.")
    HostPort target;

    @Option(names = "--messages", paramLabel = "N", description = "Messages to send (or give --duration).")
    Optional<Long> messages;

    @Option(names = "--concurrency", paramLabel = "C", defaultValue = "1",
            description = "Parallel SMTP sessions (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "2048",
            description = "Message size in octets (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--to", required = true, paramLabel = "ADDRESS",
            description = "Recipient; with --rcpts K > 1 numbered: a+1@d ... a+K@d, or {n} in ADDRESS replaced.")
    String to;

    @Option(names = "--rcpts", paramLabel = "K", defaultValue = "1",
            description = "Recipients per message (default ${DEFAULT-VALUE}).")
    int rcpts;

    @Option(names = "--rate", paramLabel = "R", description = "Open loop: R messages per second in total.")
    Optional<Double> rate;

    @Option(names = "--duration", paramLabel = "T", converter = DurationConverter.class,
            description = "Stop starting messages after T (90, 90s, 500ms, 2m, 1h).")
    Optional<Duration> duration;

    @Option(names = "--connection-per-message",
            description = "Connect, send one message and QUIT, for every message (default: one connection a session).")
    boolean connectionPerMessage;

    @Option(names = "--connect-only",
            description = "Send no mail: each of the N is a connection (greeting, EHLO, QUIT, close).")
    boolean connectOnly;

    @Option(names = "--json", description = "Print the summary as one JSON object.")
    boolean json;

    @Option(names = "--wait-maildir", paramLabel = "DIR",
            description = "Then wait until the Maildir DIR holds the expected new files.")
    Optional<Path> waitMaildir;

    @Option(names = "--wait-sink", paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "Then wait until the quail sink at HOST:PORT counted the expected recipients.")
    Optional<HostPort> waitSink;

    @Option(names = "--expect", paramLabel = "N",
            description = "Deliveries to wait for (default: the recipients accepted in this run).")
    Optional<Long> expect;

    @Option(names = "--wait-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Give up waiting when no delivery came for this long (default ${DEFAULT-VALUE}).")
    long waitTimeout;

    @Override
    public Integer call() throws Exception {
        validate();
        Optional<DeliveryWait.Counter> counter = waitMaildir.map(DeliveryWait::maildir)
                .or(() -> waitSink.map(DeliveryWait::sink));
        long baseline = 0;
        if (counter.isPresent()) {
            try {
                baseline = counter.get().count();
            } catch (IOException e) {
                System.err.println("loadtest: fatal: cannot count deliveries: " + e.getMessage());
                return Main.TEMPORARY;
            }
        }
        List<String> recipients = Recipients.of(to, rcpts);
        MessageBuilder builder = new MessageBuilder(SENDER, to, size,
                Long.toString(System.currentTimeMillis(), 36), Clock.systemUTC());
        Function<Work.Claim, Job> jobs = connectOnly
                ? claim -> new Job(claim.index(), List.of(), new byte[0], claim.dueNanos())
                : claim -> new Job(claim.index(), recipients, builder.build(claim.index()), claim.dueNanos());

        OptionalDouble perSecond = rate.map(OptionalDouble::of).orElse(OptionalDouble.empty());
        boolean live = System.console() != null && !json;
        ActorSystem system = Systems.create("loadtest");
        try {
            Work work = new Work(messages.orElse(Long.MAX_VALUE), perSecond, duration, System::nanoTime);
            Stats stats = new Stats(work.startNanos());
            Optional<Progress> progress = live ? Optional.of(new Progress(System.out)) : Optional.empty();
            progress.ifPresent(p -> p.show(
                    () -> Report.progressLine(stats.snapshot(System.nanoTime(), false), messages, duration)));
            List<CompletableFuture<Void>> sessions = new ArrayList<>();
            for (int i = 0; i < concurrency; i++) {
                sessions.add(new SessionRunner(system, target.address(), SENDER, work, jobs, stats, replyTimeout(),
                        connections())
                        .run().toCompletableFuture());
            }
            CompletableFuture.allOf(sessions.toArray(new CompletableFuture<?>[0])).join();
            Stats.Snapshot result = stats.snapshot(System.nanoTime(), true);

            Optional<DeliveryWait.Result> delivery = Optional.empty();
            if (counter.isPresent()) {
                long expected = expect.orElse(result.recipientsAccepted());
                long[] seen = {0};
                progress.ifPresent(p -> p.show(() -> Report.waitLine(seen[0], expected)));
                delivery = Optional.of(DeliveryWait.await(counter.get(), baseline, expected, work.startNanos(),
                        Duration.ofSeconds(waitTimeout), n -> seen[0] = n));
            }
            progress.ifPresent(Progress::close);
            Report report = new Report(target.toString(), messages, duration, size, rcpts, concurrency, perSecond,
                    connections(), result, delivery);
            if (json) {
                System.out.println(report.json());
            } else {
                report.plain().forEach(System.out::println);
            }
            System.out.flush();
            return report.ok() ? 0 : Main.TEMPORARY;
        } finally {
            Systems.stop(system, Duration.ofSeconds(5));
        }
    }

    private Connections connections() {
        return connectOnly ? Connections.HANDSHAKE_ONLY
                : connectionPerMessage ? Connections.PER_MESSAGE : Connections.REUSED;
    }

    /** An open-loop session may sit idle between due times; that is not the server being slow. */
    private Duration replyTimeout() {
        if (rate.isEmpty()) {
            return REPLY_TIMEOUT;
        }
        return REPLY_TIMEOUT.plusMillis((long) Math.ceil(1000.0 * concurrency / rate.get()));
    }

    private void validate() {
        CommandLine cli = spec.commandLine();
        if (messages.isEmpty() && duration.isEmpty()) {
            throw new ParameterException(cli, "give --messages N or --duration T");
        }
        if (messages.isPresent() && messages.get() < 1) {
            throw new ParameterException(cli, "--messages must be at least 1");
        }
        if (duration.isPresent() && (duration.get().isZero() || duration.get().isNegative())) {
            throw new ParameterException(cli, "--duration must be more than 0");
        }
        if (concurrency < 1) {
            throw new ParameterException(cli, "--concurrency must be at least 1");
        }
        if (size < 0) {
            throw new ParameterException(cli, "--size must be 0 or more");
        }
        if (rcpts < 1) {
            throw new ParameterException(cli, "--rcpts must be at least 1");
        }
        if (rate.isPresent() && !(rate.get() > 0)) {
            throw new ParameterException(cli, "--rate must be more than 0");
        }
        if (waitMaildir.isPresent() && waitSink.isPresent()) {
            throw new ParameterException(cli, "--wait-maildir and --wait-sink exclude each other");
        }
        if (expect.isPresent() && waitMaildir.isEmpty() && waitSink.isEmpty()) {
            throw new ParameterException(cli, "--expect needs --wait-maildir or --wait-sink");
        }
        if (expect.isPresent() && expect.get() < 0) {
            throw new ParameterException(cli, "--expect must be 0 or more");
        }
        if (connectOnly && connectionPerMessage) {
            throw new ParameterException(cli, "--connect-only and --connection-per-message exclude each other");
        }
        if (connectOnly && (waitMaildir.isPresent() || waitSink.isPresent())) {
            throw new ParameterException(cli, "--connect-only sends no mail to wait for");
        }
        if (waitTimeout < 1) {
            throw new ParameterException(cli, "--wait-timeout must be at least 1");
        }
    }

    /** T as 90 (seconds), 90s, 500ms, 2m or 1h. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.trim().toLowerCase(java.util.Locale.ROOT);
            try {
                if (v.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
                }
                if (v.endsWith("s")) {
                    return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
                }
                if (v.endsWith("m")) {
                    return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
                }
                if (v.endsWith("h")) {
                    return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
                }
                return Duration.ofSeconds(Long.parseLong(v));
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("expected a duration like 90s, 2m or 500ms, got '"
                        + value + "'");
            }
        }
    }
}
