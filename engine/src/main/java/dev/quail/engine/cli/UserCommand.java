package dev.quail.engine.cli;

import dev.quail.config.Assignment;
import dev.quail.engine.Mailboxes;
import dev.quail.engine.Main;
import dev.quail.engine.auth.Passwords;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code quail user add|list|passwd|remove|forward}: virtual mailboxes in users/assign, their passwords and
 * forwards (what qmailadmin did for vpopmail users; the web admin calls the same {@link Mailboxes} code).
 */
@Command(name = "user", description = "Manage virtual mailboxes.",
        subcommands = {UserCommand.Add.class, UserCommand.ListUsers.class, UserCommand.Passwd.class,
                UserCommand.Remove.class, UserCommand.Forward.class})
public final class UserCommand implements Runnable {
    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    @Command(name = "add", description = "Create a mailbox and print its Maildir.")
    static final class Add implements Callable<Integer> {
        @Mixin
        HomeOption homeOption;

        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        public Integer call() throws Exception {
            var home = homeOption.home();
            home.ensureDirectories();
            System.out.println(Mailboxes.add(home, address));
            AdminClient.ifRunning(home, "reload"); // its first message is not refused at RCPT meanwhile
            return 0;
        }
    }

    @Command(name = "passwd", description = "Set a mailbox's password (POP3, SMTP AUTH), read from stdin.")
    static final class Passwd implements Callable<Integer> {
        @Mixin
        HomeOption homeOption;

        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        public Integer call() throws Exception {
            var home = homeOption.home();
            home.ensureDirectories();
            Optional<char[]> password = PasswordInput.read("quail user passwd");
            if (password.isEmpty()) return Main.USAGE;
            new Passwords(home.passwords()).set(address, password.get());
            return 0;
        }
    }

    @Command(name = "remove", description = "Unregister a mailbox (its Maildir stays on disk).")
    static final class Remove implements Callable<Integer> {
        @Mixin
        HomeOption homeOption;

        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        public Integer call() throws Exception {
            if (Mailboxes.remove(homeOption.home(), address)) {
                AdminClient.ifRunning(homeOption.home(), "reload");
                return 0;
            }
            System.err.println("quail user remove: no mailbox " + address);
            return Main.USAGE;
        }
    }

    @Command(name = "forward", description = "Forward a mailbox's mail (its .qmail); no address: stop forwarding.")
    static final class Forward implements Callable<Integer> {
        @Mixin
        HomeOption homeOption;

        @Option(names = "--keep", description = "also keep a copy in the Maildir")
        boolean keep;

        @Parameters(index = "0", paramLabel = "ADDRESS")
        String address;

        @Parameters(index = "1..*", paramLabel = "TO")
        List<String> targets = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            Mailboxes.forward(homeOption.home(), address, targets, keep);
            return 0;
        }
    }

    @Command(name = "list", description = "List mailboxes: address, assign key, Maildir.")
    static final class ListUsers implements Callable<Integer> {
        @Mixin
        HomeOption homeOption;

        @Override
        public Integer call() throws Exception {
            for (Assignment a : Mailboxes.list(homeOption.home())) {
                System.out.println(a.user() + "\t" + (a.wildcard() ? "+" : "=") + a.key() + "\t"
                        + a.home().resolve("Maildir"));
            }
            return 0;
        }
    }
}
