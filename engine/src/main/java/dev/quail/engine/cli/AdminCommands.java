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

    /** Which messages: the filters qread, queue and flush share with the HTTP API (the server's Selection). */
    static final class Filters {
        @Option(names = "--sender", description = "part of the envelope sender")
        String sender;

        @Option(names = "--recipient", description = "part of a recipient address")
        String recipient;

        @Option(names = "--destination", description = "domain of a pending recipient (or a parent domain)")
        String destination;

        @Option(names = "--state", description = "new, deferred or held")
        String state;

        @Option(names = "--older-than", paramLabel = "SECONDS", description = "queued at least this long")
        Long age;

        @Option(names = "--offset", description = "skip this many (oldest first)")
        Integer offset;

        @Option(names = "--limit", description = "at most this many")
        Integer limit;

        String words() {
            StringBuilder b = new StringBuilder();
            word(b, "sender", sender);
            word(b, "recipient", recipient);
            word(b, "destination", destination);
            word(b, "state", state);
            word(b, "age", age);
            word(b, "offset", offset);
            word(b, "limit", limit);
            return b.toString();
        }

        private static void word(StringBuilder b, String key, Object value) {
            if (value != null) b.append(' ').append(key).append('=').append(String.valueOf(value).strip());
        }
    }

    @Command(name = "qread", description = "List the queued messages and their recipients (qmail-qread), or one"
            + " message's whole life with its ID.")
    public static final class Qread implements Callable<Integer> {
        @Mixin
        HomeOption home;

        @Mixin
        Json json;

        @Mixin
        Filters filters;

        @Parameters(arity = "0..1", paramLabel = "ID", description = "one message: every attempt and its report")
        String id;

        @Override
        public Integer call() {
            if (id != null) return AdminClient.call(home.home(), json.request("message " + id.replaceFirst("^#", "")));
            return AdminClient.call(home.home(), json.request("qread" + filters.words()));
        }
    }

    @Command(name = "qshape", description = "Pending recipients by destination and age, messages by state"
            + " (Postfix's qshape).")
    public static final class Qshape implements Callable<Integer> {
        @Mixin
        HomeOption home;

        @Mixin
        Json json;

        @Override
        public Integer call() { return AdminClient.call(home.home(), json.request("qshape")); }
    }

    @Command(name = "flush", description = "Retry every queued message now (qmail-send's SIGALRM), or the ones"
            + " named by ID or filters.")
    public static final class Flush implements Callable<Integer> {
        @Mixin
        HomeOption home;

        @Mixin
        Filters filters;

        @Parameters(arity = "0..1", paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            String words = (id == null ? "" : " id=" + id.replaceFirst("^#", "")) + filters.words();
            return AdminClient.call(home.home(), "flush" + words);
        }
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

    @Command(name = "queue", description = "Delete, hold or release a queued message, or every one the filters"
            + " match (Postfix's postsuper -d/-h/-H); or rejuvenate one (qmail's touch info/ID).")
    public static final class QueueEdit implements Callable<Integer> {
        @Mixin
        HomeOption home;

        @Mixin
        Filters filters;

        @Parameters(index = "0", paramLabel = "delete|hold|release|rejuvenate")
        String action;

        @Parameters(index = "1", arity = "0..1", paramLabel = "ID", description = "message id as qread shows it")
        String id;

        @Override
        public Integer call() {
            String words = (id == null ? "" : " " + id.replaceFirst("^#", "")) + filters.words();
            boolean oneId = id != null && filters.words().isEmpty();
            if (!List.of("delete", "hold", "release", "rejuvenate").contains(action) || words.isEmpty()
                    || action.equals("rejuvenate") && !oneId) {
                System.err.println("quail queue: usage: quail queue delete|hold|release ID|--sender S|...,"
                        + " quail queue rejuvenate ID");
                return Main.USAGE;
            }
            return AdminClient.call(home.home(), "queue " + action + words);
        }
    }
}
