package dev.quail.engine.cli;

import dev.quail.config.ShowCtl;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code quail showctl}: qmail-showctl (SHOWCTL-01). Every control setting with its effective value and whether it
 * comes from a file or the default, then warnings about lines Quail ignored. An unreadable control file is an error
 * (exit 111), as it would stop the server from loading its configuration.
 */
@Command(name = "showctl", description = "Print the effective configuration (qmail-showctl).")
public final class ShowCtlCommand implements Callable<Integer> {
    @Mixin
    HomeOption homeOption;

    @Override
    public Integer call() throws Exception {
        System.out.print(ShowCtl.render(homeOption.home().root()));
        return 0;
    }
}
