package dev.quail.engine.cli;

import dev.quail.engine.Home;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --home DIR}, else $QUAIL_HOME, else ./quail-home: the same rule for every command. */
public final class HomeOption {
    @Option(names = "--home", paramLabel = "DIR", description = "Quail home (default: $QUAIL_HOME or ./quail-home)")
    Path home;

    public Home home() { return Home.resolve(home); }
}
