package dev.quail.engine.cli;

import dev.quail.engine.Main;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The operator's commands that talk to the running server through its admin socket. */
public final class AdminCommands {
    private AdminCommands() {}

    /** --json, which the server answers for qstat, qread and tcpto (qread's adds each recipient's last report). */
    static final class Json {
        @Option(names = "--json", description = "machine-readable output")
        boolean on;

        String request(String verb) { return on ? verb + " --json" : verb; }
    }

    @Command(name = "qstat", description = "Count the messages in the queue (qmail-qstat).")
    public static final class Qstat implements Callable<Integer> {
        @Mixin
        HomeOption home;

        @Mixin
        Json json;

        @Override
        public Integer call() { return AdminClient.call(home.home(), json.request("qstat")); }
    }

    @Command(name = "qread", description = "List the queued messages and their recipients (qmail-qread).")
    public static final class Qread implements Callable<Integer> {
        @Mixin
        HomeOption home;

        @Mixin
        Json json;

        @Override
        public Integer call() { return AdminClient.call(home.home(), json.request("qread")); }
    }

    @Command(name = "flush", description = "Retry every queued message now (qmail-send's SIGALRM).")
    public static final class Flush implements Callable<Integer> {
        @Mixin
        HomeOption home;

        @Override
        public Integer call() { return AdminClient.call(home.home(), "flush"); }
    }

    @Command(name = "tcpto", description = "List the remote hosts marked down after connection timeouts (qmail-tcpto).")
    public static final class Tcpto implements Callable<Integer> {
        @Mixin
        HomeOption home;

        @Mixin
        Json json;

        @Override
        public Integer call() { return AdminClient.call(home.home(), json.request("tcpto")); }
    }

    @Command(name = "tcpok", description = "Clear every downed-host mark (qmail-tcpok).")
    public static final class Tcpok implements Callable<Integer> {
        @Mixin
        HomeOption home;

        @Override
        public Integer call() { return AdminClient.call(home.home(), "tcpok"); }
    }

    @Command(name = "reload", description = "Reread control/ and users/assign now (qmail-send's SIGHUP).")
    public static final class Reload implements Callable<Integer> {
        @Mixin
        HomeOption home;

        @Override
        public Integer call() { return AdminClient.call(home.home(), "reload"); }
    }

    @Command(name = "queue", description = "Delete, hold, release or rejuvenate one queued message (Postfix's"
            + " postsuper -d/-h/-H; qmail's touch info/ID).")
    public static final class QueueEdit implements Callable<Integer> {
        @Mixin
        HomeOption home;

        @Parameters(index = "0", paramLabel = "delete|hold|release|rejuvenate")
        String action;

        @Parameters(index = "1", paramLabel = "ID", description = "message id as qread shows it (without #)")
        String id;

        @Override
        public Integer call() {
            if (!List.of("delete", "hold", "release", "rejuvenate").contains(action)) {
                System.err.println("quail queue: usage: quail queue delete|hold|release|rejuvenate ID");
                return Main.USAGE;
            }
            return AdminClient.call(home.home(), "queue " + action + " " + id.replaceFirst("^#", ""));
        }
    }
}
