/*
 * quail bench: runs loadtest/bench.sh (Quail and Postfix side by side, see loadtest/README.md) with the
 * given arguments and exits with its status. The script sits next to the module's target directory,
 * which is where this class was loaded from.
 */
package dev.quail.loadtest.bench;

import dev.quail.loadtest.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

@Command(name = "bench", description = "Benchmark Quail against Postfix (runs loadtest/bench.sh; --help for its options).")
public final class BenchCommand implements Callable<Integer> {

    @Unmatched
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Path classes = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path script = classes.getParent().getParent().resolve("bench.sh");
        if (!Files.isRegularFile(script)) {
            System.err.println("bench: fatal: " + script + " is missing");
            return Main.TEMPORARY;
        }
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(arguments);
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }
}
