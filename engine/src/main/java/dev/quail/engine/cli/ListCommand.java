package dev.quail.engine.cli;

import dev.quail.engine.Main;
import dev.quail.engine.lists.BounceStore;
import dev.quail.engine.lists.ListAddress;
import dev.quail.engine.lists.ListSummary;
import dev.quail.engine.lists.Lists;
import dev.quail.engine.lists.MailingList;
import dev.quail.engine.lists.MemberChanges;
import dev.quail.engine.lists.Member;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code quail list}: ezmlm-make, ezmlm-sub, ezmlm-unsub and ezmlm-list in one command. Lists live under
 * HOME/lists; the running server reads the same files, so a change here applies to the next post.
 */
@Command(name = "list", description = "Mailing lists (ezmlm's commands).",
        subcommands = {ListCommand.Create.class, ListCommand.Delete.class, ListCommand.Show.class,
                ListCommand.Subscribe.class, ListCommand.Unsubscribe.class, ListCommand.Members.class,
                ListCommand.Bounces.class})
public final class ListCommand implements Runnable {
    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    /** The LIST@DOMAIN argument and the home every subcommand shares. */
    abstract static class ListArgument {
        @Mixin
        HomeOption homeOption;

        @Parameters(index = "0", paramLabel = "LIST@DOMAIN")
        String list;

        @Spec
        CommandSpec spec;

        String name() {
            return spec.name();
        }

        Optional<ListAddress> address() {
            Optional<ListAddress> a = ListAddress.parse(list);
            if (a.isEmpty()) {
                System.err.println("quail list " + name() + ": usage: LIST@DOMAIN, LIST of letters, digits and"
                        + " . _ + -, DOMAIN a DNS name: not " + printable(list));
            }
            return a;
        }

        Lists lists() {
            return Lists.of(homeOption.home().root());
        }
    }

    /** A subcommand on an existing list: a list that is not there is a usage error, said once, here. */
    abstract static class OnList extends ListArgument implements Callable<Integer> {
        abstract int run(MailingList l) throws IOException;

        @Override
        public Integer call() throws IOException {
            Optional<MailingList> l = existing();
            return l.isEmpty() ? Main.USAGE : run(l.get());
        }

        private Optional<MailingList> existing() {
            Optional<MailingList> l = address().flatMap(a -> lists().open(a));
            if (l.isEmpty() && ListAddress.parse(list).isPresent()) {
                System.err.println("quail list " + name() + ": no such list: " + printable(list));
            }
            return l;
        }
    }

    @Command(name = "create", description = "Create LIST@DOMAIN (ezmlm-make). Its domain must be one this server"
            + " delivers locally (control/locals).")
    static final class Create extends ListArgument implements Callable<Integer> {
        @Option(names = "--owner", paramLabel = "ADDR", description = "where LIST-owner@DOMAIN goes")
        String owner;

        @Option(names = "--moderated", description = "posts wait for the owner's accept or reject (with"
                + " --subscribers-only: only non-members' posts wait)")
        boolean moderated;

        @Option(names = "--subscribers-only", description = "only members may post (others: 5.7.2)")
        boolean subscribersOnly;


        @Override
        public Integer call() throws IOException {
            Optional<ListAddress> a = address();
            if (a.isEmpty()) return Main.USAGE;
            Optional<String> ownerAddress = Optional.empty();
            if (owner != null) {
                StringBuilder why = new StringBuilder();
                ownerAddress = Member.parse(owner, why);
                if (ownerAddress.isEmpty()) {
                    System.err.println("quail list create: bad --owner " + printable(owner) + ": " + why);
                    return Main.USAGE;
                }
            }
            if (lists().open(a.get()).isPresent()) {
                System.err.println("quail list create: " + a.get() + " already exists");
                return Main.USAGE;
            }
            MailingList l = lists().create(a.get(), ownerAddress, moderated, subscribersOnly);
            System.out.println("created " + a.get() + " in " + l.dir());
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete LIST@DOMAIN with its members, archive and bounce records.")
    static final class Delete extends OnList {

        @Override
        int run(MailingList l) throws IOException {
            lists().delete(l.name());
            System.out.println("deleted " + l.name());
            return 0;
        }
    }

    @Command(name = "show", description = "Settings and counts of LIST@DOMAIN.")
    static final class Show extends OnList {

        @Override
        int run(MailingList l) throws IOException {
            ListSummary s = ListSummary.of(l);
            PrintStream out = System.out;
            out.println("list: " + s.name());
            out.println("owner: " + s.owner().orElse("(none: the postmaster)"));
            out.println("moderated: " + (s.moderated() ? "yes" : "no"));
            out.println("subscribers-only: " + (s.subscribersOnly() ? "yes" : "no"));
            out.println("members: " + s.members());
            out.println("posts: " + s.posts());
            out.println("bouncing: " + s.bouncing());
            out.println("bounce timeout: " + s.bounceTimeout().toSeconds() + " s");
            out.println("unsubscribe url: " + s.url());
            out.println("directory: " + s.dir());
            return 0;
        }
    }

    /** Subscribe and unsubscribe: addresses from the arguments, else from standard input one a line. */
    abstract static class Change extends OnList {
        @Parameters(index = "1..*", paramLabel = "ADDR", description = "addresses (none: read standard input,"
                + " one a line)")
        List<String> addresses = new ArrayList<>();

        private final boolean adding;

        Change(boolean adding) {
            this.adding = adding;
        }

        @Override
        int run(MailingList l) throws IOException {
            Iterator<String> input = addresses.isEmpty()
                    ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).lines().iterator()
                    : addresses.iterator();
            MemberChanges.Tally tally = MemberChanges.apply(l, adding, input, (text, why) ->
                    System.err.println("quail list " + name() + ": skipped " + printable(text) + ": " + why));
            System.out.println(tally.describe(l.name(), adding));
            return tally.refused() > 0 ? Main.USAGE : 0;
        }
    }

    @Command(name = "subscribe", description = "Add members (ezmlm-sub), at once and without confirmation.")
    static final class Subscribe extends Change {
        Subscribe() {
            super(true);
        }
    }

    @Command(name = "unsubscribe", description = "Remove members (ezmlm-unsub).")
    static final class Unsubscribe extends Change {
        Unsubscribe() {
            super(false);
        }
    }

    @Command(name = "members", description = "Print the members, one a line (ezmlm-list).")
    static final class Members extends OnList {

        @Override
        int run(MailingList l) throws IOException {
            PrintStream out = new PrintStream(new java.io.BufferedOutputStream(System.out, 64 * 1024), false,
                    StandardCharsets.UTF_8);
            l.subscribers().forEach(out::println);
            out.flush();
            return 0;
        }
    }

    @Command(name = "bounces", description = "Bouncing members: first bounce, count, state, last status code.")
    static final class Bounces extends OnList {

        @Override
        int run(MailingList l) throws IOException {
            for (BounceStore.Record r : l.bounces().all()) {
                System.out.println(r.member() + " first=" + Instant.ofEpochSecond(r.first()) + " count=" + r.count()
                        + " state=" + r.state().shown.replace(' ', '-')
                        + (r.status().isEmpty() ? "" : " status=" + r.status()));
            }
            return 0;
        }
    }

    /** User input echoed in a message: control characters shown, never sent to the terminal. */
    static String printable(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.codePoints().forEach(c -> b.append(c < ' ' || c == 0x7f ? String.format("\\x%02x", c)
                : new String(Character.toChars(c))));
        return b.toString();
    }
}
