/*
 * quail flamegraph PROFILE SVG (hidden): a profile's CPU samples as an SVG flame graph (FlameGraph), and on stdout
 * the frames with the most samples as the leaf of a stack ("self time"), most first. Written for issue 18's
 * profiles. PROFILE is a JFR recording (`jcmd PID JFR.start settings=profile ...` on the server; the JDK reads it,
 * jdk.jfr.consumer) or async-profiler's collapsed stacks (loadtest/profile.sh): see Stacks for what each shows.
 */
package dev.quail.loadtest.profile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "flamegraph", hidden = true, description = "Draw a profile's samples (JFR or collapsed stacks) as an SVG flame graph.")
public final class FlameCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "PROFILE")
    Path profile;

    @Parameters(index = "1", paramLabel = "SVG")
    Path svg;

    @Option(names = "--title", paramLabel = "TEXT", defaultValue = "CPU samples", description = "The graph's title.")
    String title;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10", description = "Frames to list by self time.")
    int top;

    @Override
    public Integer call() throws Exception {
        Stacks stacks = Stacks.read(profile);
        Files.writeString(svg, FlameGraph.svg(stacks.collapsed(), title), StandardCharsets.UTF_8);
        System.out.println(stacks.samples() + " samples; by self time:");
        for (Stacks.Frame f : stacks.topSelf(top)) {
            System.out.println(String.format(Locale.ROOT, "%6.1f%%  %s", 100.0 * f.self() / stacks.samples(), f.name()));
        }
        return 0;
    }
}
