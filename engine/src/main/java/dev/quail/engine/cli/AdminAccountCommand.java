package dev.quail.engine.cli;

import dev.quail.engine.Home;
import dev.quail.engine.Main;
import dev.quail.engine.auth.KeyedFile;
import dev.quail.engine.auth.Passwords;
import dev.quail.engine.http.AdminTokens;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code quail admin add|token}: the admin listener's accounts (users/admins) and script tokens. */
@Command(name = "admin", description = "Manage the admin listener's accounts (quail start --http).",
        subcommands = {AdminAccountCommand.Add.class, AdminAccountCommand.Token.class})
public final class AdminAccountCommand implements Runnable {
    /** Names go into the mail log and users/admins' lines: nothing that could forge either. */
    static final String NAME = "[A-Za-z0-9._-]{1,64}";

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    @Command(name = "add", description = "Create an admin (or set its password), the password read from stdin.")
    static final class Add implements Callable<Integer> {
        @Mixin
        HomeOption homeOption;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            if (!name.matches(NAME)) {
                System.err.println("quail admin add: a name is 1 to 64 of A-Z a-z 0-9 . _ -");
                return Main.USAGE;
            }
            Home home = homeOption.home();
            home.ensureDirectories();
            Optional<char[]> password = PasswordInput.read("quail admin add");
            if (password.isEmpty()) return Main.USAGE;
            new Passwords(home.admins()).set(name, password.get());
            return 0;
        }
    }

    @Command(name = "token", description = "Print a new bearer token for NAME's scripts (replacing its last one).")
    static final class Token implements Callable<Integer> {
        @Mixin
        HomeOption homeOption;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            Home home = homeOption.home();
            if (!new Passwords(home.admins()).has(name)) {
                System.err.println("quail admin token: no admin " + name + "; quail admin add " + name + " first");
                return Main.USAGE;
            }
            System.out.println(new AdminTokens(new KeyedFile(home.adminTokens())).issue(name));
            return 0;
        }
    }
}
