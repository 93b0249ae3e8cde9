package dev.quail.engine.cli;

import dev.quail.engine.Main;
import dev.quail.engine.compat.LocalPreview;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code quail local -n ADDRESS}: qmail-local -n (LOCAL-01, X-03). Prints which mailbox and .qmail file would serve
 * ADDRESS and each instruction, without delivering; exits as the delivery would stop (100 permanent, 111 temporary).
 * qmail's own form, {@code quail local -n user homedir local dash ext domain sender defaultdelivery} (X-03:
 * {@code qmail-local -n $USER ~ $USER '' '' '' '' ./Mailbox}), tests a .qmail file in any directory. Quail delivers
 * only in the server, so -n is required.
 */
@Command(name = "local", description = "Show what a delivery to ADDRESS would do, without doing it (qmail-local -n).")
public final class LocalCommand implements Callable<Integer> {
    @Mixin
    HomeOption homeOption;

    @Option(names = "-n", required = true, description = "show, do not deliver")
    boolean show;

    @Parameters(arity = "1..*", paramLabel = "ADDRESS | user homedir local dash ext domain sender defaultdelivery")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        LocalPreview.Result result;
        if (args.size() == 1) {
            result = LocalPreview.forAddress(homeOption.home().root(), args.get(0));
        } else if (args.size() == 8 && Path.of(args.get(1)).isAbsolute()) {
            result = LocalPreview.forQmailLocal(args.get(0), Path.of(args.get(1)), args.get(3), args.get(4),
                    args.get(7).isEmpty() ? "" : args.get(7) + "\n");
        } else {
            System.err.println("quail local: usage: quail local -n ADDRESS");
            System.err.println("       quail local -n user /homedir local dash ext domain sender defaultdelivery");
            return Main.USAGE;
        }
        result.lines().forEach(System.out::println);
        if (result.exit() != 0) System.err.println(result.error());
        return result.exit();
    }
}
