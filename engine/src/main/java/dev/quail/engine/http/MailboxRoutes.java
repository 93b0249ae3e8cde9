package dev.quail.engine.http;

import java.io.IOException;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * /api/v1/mailboxes: list, add, remove, set a password, forwards and an autoresponder through {@link MailboxDesk}.
 * Form fields or query parameters: address, password, to (comma-separated), keep; subject, text, days.
 */
final class MailboxRoutes extends AllDirectives {
    private final Guard guard;
    private final MailboxDesk desk;

    MailboxRoutes(Guard guard, MailboxDesk desk) {
        this.guard = guard;
        this.desk = desk;
    }

    Route route() {
        return pathPrefix(PathMatchers.segment("api").slash("v1").slash("mailboxes"),
                () -> guard.admin(this::routes));
    }

    private Route routes(Caller caller) {
        return concat(
                pathEnd(() -> concat(
                        get(() -> answer(this::list, "%s")),
                        post(() -> formFieldMap(f -> result(() -> desk.add(caller, f)))))),
                path(PathMatchers.segment(), address -> delete(() -> result(() -> desk.remove(caller, address)))),
                path(PathMatchers.segment().slash("password"), address -> post(() -> formFieldMap(
                        f -> result(() -> desk.password(caller, address, f))))),
                path(PathMatchers.segment().slash("forwards"), address -> post(() -> formFieldMap(
                        f -> result(() -> desk.forward(caller, address, f))))),
                path(PathMatchers.segment().slash("autoresponder"), address -> concat(
                        post(() -> formFieldMap(f -> result(() -> desk.autorespond(caller, address, f)))),
                        delete(() -> result(() -> desk.stopAutoresponder(caller, address))))));
    }

    private String list() throws IOException {
        StringBuilder b = new StringBuilder("{\"mailboxes\":[");
        String comma = "";
        for (MailboxDesk.Box box : desk.list()) {
            b.append(comma).append("{\"address\":\"").append(Replies.quote(box.address())).append("\",\"maildir\":\"")
                    .append(Replies.quote(box.maildir().toString())).append("\",\"forwards\":[");
            String c = "";
            for (String f : box.forwards()) {
                b.append(c).append('"').append(Replies.quote(f)).append('"');
                c = ",";
            }
            b.append("],\"keep\":").append(box.keep()).append(",\"autoresponder\":");
            if (box.autoresponder().isEmpty()) b.append("null");
            box.autoresponder().ifPresent(a -> b.append("{\"subject\":\"").append(Replies.quote(a.subject()))
                    .append("\",\"text\":\"").append(Replies.quote(a.text())).append("\",\"days\":")
                    .append(a.every().toDays()).append('}'));
            b.append('}');
            comma = ",";
        }
        return b.append("]}\n").toString();
    }

    /** {"result": "added carol@localhost"}. */
    private Route result(MailboxDesk.Work<String> action) {
        return answer(() -> Replies.quote(action.run()), "{\"result\":\"%s\"}\n");
    }

    private Route answer(MailboxDesk.Work<String> work, String json) {
        return completeWithFuture(desk.attempt(work).thenApply(done -> done.ok()
                ? Replies.ok(String.format(json, done.value())) : Replies.error(done.status(), done.why())));
    }
}
