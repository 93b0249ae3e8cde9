package dev.quail.engine.http;

import dev.quail.config.Assignment;
import dev.quail.engine.Controls;
import dev.quail.engine.Home;
import dev.quail.engine.Mailboxes;
import dev.quail.engine.auth.Passwords;
import dev.quail.engine.log.MessageLog;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * /api/v1/mailboxes: list, add, remove, set a password and forwards: `quail user add|list|remove|passwd|forward`,
 * the same {@link Mailboxes} and {@link Passwords} code, on the I/O executor (they write files and fsync, and a
 * password costs a bcrypt). Form fields or query parameters: address, password, to (comma-separated), keep.
 */
final class MailboxRoutes extends AllDirectives {
    private final Guard guard;
    private final Controls controls;
    private final Home home;
    private final Executor io;

    MailboxRoutes(Guard guard, Controls controls, Executor io) {
        this.guard = guard;
        this.controls = controls;
        this.home = controls.home();
        this.io = io;
    }

    /** A file operation that may refuse its input. */
    private interface Work {
        HttpResponse run() throws IOException;
    }

    Route route() {
        return pathPrefix(PathMatchers.segment("api").slash("v1").slash("mailboxes"),
                () -> guard.admin(this::routes));
    }

    private Route routes(Caller caller) {
        return concat(
                pathEnd(() -> concat(
                        get(() -> completeWithFuture(run(this::list))),
                        post(() -> formFieldMap(f -> completeWithFuture(run(() -> add(caller, f))))))),
                path(PathMatchers.segment(), address -> delete(
                        () -> completeWithFuture(run(() -> remove(caller, address))))),
                path(PathMatchers.segment().slash("password"), address -> post(() -> formFieldMap(
                        f -> completeWithFuture(run(() -> password(caller, address, f)))))),
                path(PathMatchers.segment().slash("forwards"), address -> post(() -> formFieldMap(
                        f -> completeWithFuture(run(() -> forward(caller, address, f)))))));
    }

    private HttpResponse list() throws IOException {
        StringBuilder b = new StringBuilder("{\"mailboxes\":[");
        String comma = "";
        for (Assignment a : Mailboxes.list(home)) {
            if (a.wildcard()) continue;
            b.append(comma).append("{\"address\":\"").append(Replies.quote(a.user())).append("\",\"maildir\":\"")
                    .append(Replies.quote(a.home().resolve("Maildir").toString())).append("\",\"forwards\":[");
            String c = "";
            for (String f : Mailboxes.forwards(home, a.user())) {
                b.append(c).append('"').append(Replies.quote(f)).append('"');
                c = ",";
            }
            b.append("]}");
            comma = ",";
        }
        return Replies.ok(b.append("]}\n").toString());
    }

    private HttpResponse add(Caller caller, Map<String, String> form) throws IOException {
        String address = form.getOrDefault("address", "");
        Actions.log(caller, "user add " + logged(address));
        Mailboxes.add(home, address);
        controls.reload(); // the next RCPT for it is accepted: no wait for the watcher to see users/assign change
        if (form.containsKey("password")) {
            new Passwords(home.passwords()).set(address, form.get("password").toCharArray());
        }
        return done("added " + address);
    }

    private HttpResponse remove(Caller caller, String address) throws IOException {
        Actions.log(caller, "user remove " + logged(address));
        if (!Mailboxes.remove(home, address)) {
            return Replies.error(StatusCodes.NOT_FOUND, "no such mailbox: " + address);
        }
        controls.reload();
        return done("removed " + address);
    }

    private HttpResponse password(Caller caller, String address, Map<String, String> form) throws IOException {
        Actions.log(caller, "user passwd " + logged(address));
        if (!known(address)) return Replies.error(StatusCodes.NOT_FOUND, "no such mailbox: " + address);
        new Passwords(home.passwords()).set(address, form.getOrDefault("password", "").toCharArray());
        return done("password set for " + address);
    }

    private HttpResponse forward(Caller caller, String address, Map<String, String> form) throws IOException {
        List<String> targets = Arrays.stream(form.getOrDefault("to", "").split("[,\\s]+"))
                .filter(t -> !t.isEmpty()).toList();
        boolean keep = List.of("1", "on", "true", "yes").contains(form.getOrDefault("keep", ""));
        Actions.log(caller, "user forward " + logged(address) + (keep ? " --keep" : "")
                + " " + logged(String.join(" ", targets)));
        if (!known(address)) return Replies.error(StatusCodes.NOT_FOUND, "no such mailbox: " + address);
        Mailboxes.forward(home, address, targets, keep);
        return done((targets.isEmpty() ? "no forwards for " : "forwards set for ") + address);
    }

    private boolean known(String address) throws IOException {
        return Mailboxes.list(home).stream().anyMatch(a -> a.user().equalsIgnoreCase(address));
    }

    private CompletionStage<HttpResponse> run(Work work) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return work.run();
            } catch (IllegalArgumentException e) {
                return Replies.error(StatusCodes.BAD_REQUEST, e.getMessage());
            } catch (IOException e) {
                MessageLog.warning("http: mailboxes: " + e.getMessage());
                return Replies.error(StatusCodes.SERVICE_UNAVAILABLE, "unable to write: " + e.getMessage());
            }
        }, io);
    }

    private static HttpResponse done(String result) {
        return Replies.ok("{\"result\":\"" + Replies.quote(result) + "\"}\n");
    }

    /** What a request says goes into the mail log: one line, bounded. */
    private static String logged(String text) {
        String line = text.replaceAll("\\p{Cntrl}", "?");
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
