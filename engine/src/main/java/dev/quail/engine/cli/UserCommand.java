package dev.quail.engine.cli;

import dev.quail.config.Assignment;
import dev.quail.engine.Mailboxes;
import dev.quail.engine.Main;
import dev.quail.engine.auth.Passwords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code quail user add|list|passwd|remove|forward|autorespond}: virtual mailboxes in users/assign, their passwords,
 * forwards and autoresponders (what qmailadmin did for vpopmail users; the web admin calls the same {@link Mailboxes} code).
 */
@Command(name = "user", description = "Manage virtual mailboxes.",
        subcommands = {UserCommand.Add.class, UserCommand.ListUsers.class, UserCommand.Passwd.class,
                UserCommand.Remove.class, UserCommand.Forward.class,
                UserCommand.Autorespond.class})
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

    @Command(name = "autorespond", description = "Answer a mailbox's mail with the text on stdin (once per sender "
            + "per --days); --off: stop.")
    static final class Autorespond implements Callable<Integer> {
        @Mixin
        HomeOption homeOption;

        @Option(names = "--subject", description = "the answer's Subject; %S is the original's (default: ${DEFAULT-VALUE})")
        String subject = "Out of office: %S";

        @Option(names = "--days", description = "answer one sender once per DAYS (default: ${DEFAULT-VALUE})")
        int days = 7;

        @Option(names = "--off", description = "stop answering")
        boolean off;

        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        public Integer call() throws Exception {
            var home = homeOption.home();
            if (Mailboxes.list(home).stream().noneMatch(a -> a.user().equalsIgnoreCase(address))) {
                System.err.println("quail user autorespond: no mailbox " + address);
                return Main.USAGE;
            }
            try {
                Mailboxes.autorespond(home, address, off ? Optional.empty() : Optional.of(new Mailboxes.Autoresponder(
                        subject, new String(System.in.readAllBytes(), StandardCharsets.UTF_8), Duration.ofDays(days))));
            } catch (IllegalArgumentException e) {
                System.err.println("quail user autorespond: " + e.getMessage());
                return Main.USAGE;
            }
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
