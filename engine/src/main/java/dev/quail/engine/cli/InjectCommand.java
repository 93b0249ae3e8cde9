package dev.quail.engine.cli;

import dev.quail.config.Control;
import dev.quail.engine.Home;
import dev.quail.engine.Main;
import dev.quail.engine.compat.HostQueue;
import dev.quail.engine.inject.Injection;
import dev.quail.protocols.smtp.QueueResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code quail inject}: qmail-inject (INJ-01..04). Reads a message on stdin, completes its header and leaves it,
 * fsync'd, in the maildrop, where the server picks it up whenever it runs. Exit 0 means durably queued;
 * 100 a message or usage qmail-inject would refuse; 111 temporary trouble.
 */
@Command(name = "inject", description = "Queue a message read on stdin (qmail-inject).")
public final class InjectCommand implements Callable<Integer> {
    @Mixin
    HomeOption homeOption;

    @Option(names = "-f", paramLabel = "SENDER", description = "envelope sender")
    String sender;

    @Option(names = "-a", description = "recipients from the arguments only")
    boolean argsOnly;

    @Option(names = "-h", description = "recipients from the header only")
    boolean headerOnly;

    @Option(names = "-H", description = "recipients from the header and the arguments")
    boolean both;

    @Option(names = "-A", description = "recipients from the arguments, else the header (default)")
    boolean argsElseHeader;

    @Option(names = "-n", description = "print the message instead of queueing it")
    boolean printOnly;

    @Parameters(paramLabel = "RCPT", arity = "0..*")
    List<String> recipients = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        Injection.Mode mode = argsOnly ? Injection.Mode.ARGS : headerOnly ? Injection.Mode.HEADER
                : both ? Injection.Mode.BOTH : Injection.Mode.ARGS_ELSE_HEADER;
        return inject(homeOption.home(), System.in.readAllBytes(), mode, recipients, sender, System.getenv(),
                printOnly);
    }

    /**
     * Shared with sendmail: prepare the message and drop it durably, or with {@code printOnly} (INJ-02, qmail-inject
     * -n) print it, header completed, on stdout instead.
     */
    static int inject(Home home, byte[] input, Injection.Mode mode, List<String> recipients, String sender,
                      java.util.Map<String, String> env, boolean printOnly) {
        Injection.Result result;
        try {
            Control control = Control.load(home.root());
            String uniq = Long.toString(ProcessHandle.current().pid());
            result = new Injection(control, env).prepare(input, mode, recipients, sender, uniq);
        } catch (IllegalArgumentException e) {
            System.err.println("quail-inject: fatal: " + e.getMessage());
            return Main.USAGE;
        } catch (IOException e) {
            System.err.println("quail-inject: fatal: unable to read controls: " + e.getMessage());
            return Main.TEMPORARY;
        }
        if (printOnly) {
            System.out.write(result.message(), 0, result.message().length);
            System.out.flush();
            return 0;
        }
        QueueResult queued = HostQueue.queue(home, result.message(), result.sender(), result.recipients(), env);
        if (queued instanceof QueueResult.Queued) return 0;
        boolean permanent = queued instanceof QueueResult.Permanent;
        System.err.println("quail-inject: fatal: " + (permanent ? ((QueueResult.Permanent) queued).text()
                : ((QueueResult.Temporary) queued).text()));
        return permanent ? Main.USAGE : Main.TEMPORARY;
    }
}
