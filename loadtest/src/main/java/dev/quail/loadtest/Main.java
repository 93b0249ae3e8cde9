/*
 * The loadtest module's entry point, run by the launcher for `./quail loadtest|sink|bench`: the SMTP load
 * generator (generator.LoadtestCommand), the counting SMTP sink (sink.SinkCommand), the side-by-side
 * benchmark against Postfix (bench.BenchCommand, which runs loadtest/bench.sh), the chart the benchmark
 * draws (bench.ChartCommand, used by bench.sh) and a JFR recording's flame graph (profile.FlameCommand).
 * Exit codes follow qmail's convention like the rest of quail: 100 for a usage error, 111 for trouble.
 */
package dev.quail.loadtest;

import dev.quail.loadtest.bench.BenchCommand;
import dev.quail.loadtest.bench.ChartCommand;
import dev.quail.loadtest.generator.LoadtestCommand;
import dev.quail.loadtest.profile.FlameCommand;
import dev.quail.loadtest.sink.SinkCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "quail", mixinStandardHelpOptions = true, version = "quail 0.1.0",
        description = "Load tests and benchmarks for Quail.",
        subcommands = {LoadtestCommand.class, SinkCommand.class, BenchCommand.class, ChartCommand.class,
                FlameCommand.class})
public final class Main implements Runnable {

    public static final int USAGE = 100;
    public static final int TEMPORARY = 111;

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** The command line with quail's exit-code conventions, for main and for tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setParameterExceptionHandler((e, args) -> {
                    e.getCommandLine().getErr().println("quail: usage: " + e.getMessage());
                    e.getCommandLine().usage(e.getCommandLine().getErr());
                    return USAGE;
                })
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println(cmd.getCommandName() + ": fatal: " + e.getMessage());
                    return TEMPORARY;
                });
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
