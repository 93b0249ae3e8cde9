/*
 * quail sink: an SMTP server that accepts and counts (messages, recipients, bytes), for relay benchmarks,
 * like Postfix's smtp-sink. It prints "sink listening on HOST:PORT" once bound (port 0 picks a free one),
 * then, each second in which something arrived, one line:
 *
 *   sink: 1200 messages, 1200 recipients, 2.6 MB, 1187 msg/s
 *
 * The counts can be asked for at any time: "STAT" as the first command on the SMTP port answers
 * "211 messages=N recipients=N bytes=N connections=N" (see SinkStat; the loadtest's --wait-sink uses it).
 *
 * --fail-rcpt / --defer-rcpt PATTERN   refuse (550) / defer (450) matching recipients, see RecipientRules
 * --delay MS                           wait this long before answering each message's final dot
 *
 * SIGTERM or SIGINT prints "sink stopped: 1200 messages, 1200 recipients, 2.6 MB" and exits 0; a failure to
 * bind exits 111.
 */
package dev.quail.loadtest.sink;

import dev.quail.loadtest.HostPort;
import dev.quail.loadtest.Main;
import dev.quail.loadtest.Systems;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Tcp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

@Command(name = "sink", mixinStandardHelpOptions = true, description = "An SMTP sink that counts what it receives (for relay benchmarks).")
public final class SinkCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
            description = "Address to listen on (port 0: any free port).")
    HostPort listen;

    @Option(names = "--fail-rcpt", paramLabel = "PATTERN",
            description = "Refuse recipients matching this regular expression with 550.")
    Optional<String> failRcpt;

    @Option(names = "--defer-rcpt", paramLabel = "PATTERN",
            description = "Defer recipients matching this regular expression with 450.")
    Optional<String> deferRcpt;

    @Option(names = "--delay", paramLabel = "MS", defaultValue = "0",
            description = "Milliseconds to wait before answering each message (default 0).")
    long delayMillis;

    @Override
    public Integer call() throws Exception {
        if (delayMillis < 0) {
            throw new ParameterException(spec.commandLine(), "--delay must be 0 or more, got " + delayMillis);
        }
        RecipientRules rules;
        try {
            rules = new RecipientRules(failRcpt, deferRcpt);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new ParameterException(spec.commandLine(), "bad PATTERN: " + e.getDescription());
        }
        PrintStream out = System.out;
        SinkCounters counters = new SinkCounters();
        ActorSystem system = Systems.create("sink");
        Tcp.ServerBinding binding;
        try {
            binding = SinkServer.bind(system, listen.host(), listen.port(), counters, rules,
                    Duration.ofMillis(delayMillis)).toCompletableFuture().get();
        } catch (ExecutionException e) {
            Systems.stop(system, Duration.ofSeconds(5));
            System.err.println("sink: fatal: unable to listen on " + listen + ": " + e.getCause().getMessage());
            return Main.TEMPORARY;
        }
        out.println("sink listening on " + new HostPort(binding.localAddress().getAddress().getHostAddress(),
                binding.localAddress().getPort()));
        out.flush();

        CountDownLatch stop = new CountDownLatch(1);
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> stop.countDown());
        }
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sink-report");
            t.setDaemon(true);
            return t;
        });
        SinkCounters.Counts[] last = {counters.counts()};
        ticker.scheduleAtFixedRate(() -> {
            SinkCounters.Counts now = counters.counts();
            if (now.messages() != last[0].messages() || now.bytes() != last[0].bytes()) {
                out.println("sink: " + line(now, now.messages() - last[0].messages()));
                out.flush();
            }
            last[0] = now;
        }, 1, 1, TimeUnit.SECONDS);

        stop.await();
        ticker.shutdownNow();
        binding.unbind();
        out.println("sink stopped: " + line(counters.counts(), -1));
        out.flush();
        Systems.stop(system, Duration.ofSeconds(5));
        return 0;
    }

    private static String line(SinkCounters.Counts counts, long perSecond) {
        return counts.messages() + " messages, " + counts.recipients() + " recipients, "
                + String.format(java.util.Locale.ROOT, "%.1f MB", counts.bytes() / 1e6)
                + (perSecond >= 0 ? ", " + perSecond + " msg/s" : "");
    }
}
