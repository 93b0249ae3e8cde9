package dev.quail.engine.cli;

import dev.quail.config.ConfigFast;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code quail config-fast DOMAIN}: qmail's config-fast, for a fully-qualified host name. */
@Command(name = "config-fast", description = "Set me, defaultdomain, plusdomain, locals and rcpthosts for DOMAIN.")
public final class ConfigFastCommand implements Callable<Integer> {
    @Mixin
    HomeOption homeOption;

    @Parameters(paramLabel = "DOMAIN")
    String domain;

    @Override
    public Integer call() throws Exception {
        var home = homeOption.home();
        home.ensureDirectories();
        ConfigFast.apply(home.root(), domain);
        System.out.println("Your fully qualified host name is " + domain + ".");
        return 0;
    }
}
