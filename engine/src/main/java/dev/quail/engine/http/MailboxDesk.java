package dev.quail.engine.http;

import dev.quail.config.Assignment;
import dev.quail.engine.Controls;
import dev.quail.engine.Home;
import dev.quail.engine.Mailboxes;
import dev.quail.engine.auth.Passwords;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * What the API and the mailboxes page do to mailboxes: `quail user add|list|remove|passwd|forward|autorespond`,
 * the same {@link Mailboxes} and {@link Passwords} code, each action logged with the admin's name first. Blocking
 * (files, fsync, a bcrypt): run through {@link #attempt}, on the I/O executor. Form fields: address, password, to
 * (addresses separated by commas or spaces), keep, and for an autoresponder subject, text, days. Bad input is an
 * {@link IllegalArgumentException}; an unknown mailbox {@link Missing}.
 */
final class MailboxDesk {
    /** A mailbox as the list shows it. */
    record Box(String address, Path maildir, List<String> forwards, boolean keep,
               Optional<Mailboxes.Autoresponder> autoresponder) {}

    /** The named mailbox is not in users/assign. */
    static final class Missing extends FileWork.Missing {
        Missing(String address) {
            super("no such mailbox: " + address);
        }
    }

    /** A file operation that may refuse its input. */
    interface Work<T> extends FileWork.Work<T> {}

    private final Controls controls;
    private final Home home;
    private final Executor io;

    MailboxDesk(Controls controls, Executor io) {
        this.controls = controls;
        this.home = controls.home();
        this.io = io;
    }

    /** {@code work} on the I/O executor; refused with 400 (bad input), 404 (no such mailbox) or 503 (a file). */
    <T> CompletionStage<FileWork.Done<T>> attempt(Work<T> work) {
        return FileWork.attempt(io, "mailboxes", work);
    }

    List<Box> list() throws IOException {
        List<Box> boxes = new ArrayList<>();
        for (Assignment a : Mailboxes.list(home)) {
            if (a.wildcard()) continue;
            boxes.add(new Box(a.user(), a.home().resolve("Maildir"), Mailboxes.forwards(home, a.user()),
                    Mailboxes.keeps(home, a.user()), Mailboxes.autoresponder(home, a.user())));
        }
        return boxes;
    }

    String add(Caller caller, Map<String, String> form) throws IOException {
        String address = form.getOrDefault("address", "");
        Actions.log(caller, "user add " + address);
        Mailboxes.add(home, address);
        controls.reload(); // the next RCPT for it is accepted: no wait for the watcher to see users/assign change
        String password = form.getOrDefault("password", "");
        if (!password.isEmpty()) new Passwords(home.passwords()).set(address, password.toCharArray());
        return "added " + address;
    }

    String remove(Caller caller, String address) throws IOException {
        Actions.log(caller, "user remove " + address);
        if (!Mailboxes.remove(home, address)) throw new Missing(address);
        controls.reload();
        return "removed " + address;
    }

    String password(Caller caller, String address, Map<String, String> form) throws IOException {
        Actions.log(caller, "user passwd " + address);
        known(address);
        new Passwords(home.passwords()).set(address, form.getOrDefault("password", "").toCharArray());
        return "password set for " + address;
    }

    String forward(Caller caller, String address, Map<String, String> form) throws IOException {
        List<String> targets = Arrays.stream(form.getOrDefault("to", "").split("[,\\s]+"))
                .filter(t -> !t.isEmpty()).toList();
        boolean keep = List.of("1", "on", "true", "yes").contains(form.getOrDefault("keep", ""));
        Actions.log(caller, "user forward " + address + (keep ? " --keep" : "")
                + " " + String.join(" ", targets));
        known(address);
        Mailboxes.forward(home, address, targets, keep);
        return (targets.isEmpty() ? "no forwards for " : "forwards set for ") + address;
    }

    /** Form fields subject, text and days (once per sender per so many days, 7 when not given). */
    String autorespond(Caller caller, String address, Map<String, String> form) throws IOException {
        String days = form.getOrDefault("days", "").strip();
        if (!days.isEmpty() && !days.matches("[0-9]{1,4}")) throw new IllegalArgumentException("days: a number");
        var answer = new Mailboxes.Autoresponder(form.getOrDefault("subject", "").strip(),
                form.getOrDefault("text", ""), Duration.ofDays(days.isEmpty() ? 7 : Integer.parseInt(days)));
        Actions.log(caller, "user autorespond " + address + " --days " + answer.every().toDays()
                + " --subject " + answer.subject());
        known(address);
        Mailboxes.autorespond(home, address, Optional.of(answer));
        return "autoresponder on for " + address;
    }

    String stopAutoresponder(Caller caller, String address) throws IOException {
        Actions.log(caller, "user autorespond " + address + " --off");
        known(address);
        Mailboxes.autorespond(home, address, Optional.empty());
        return "autoresponder off for " + address;
    }

    private void known(String address) throws IOException {
        if (Mailboxes.list(home).stream().noneMatch(a -> a.user().equalsIgnoreCase(address))) {
            throw new Missing(address);
        }
    }
}
