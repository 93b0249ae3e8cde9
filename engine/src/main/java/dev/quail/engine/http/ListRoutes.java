package dev.quail.engine.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quail.engine.lists.BounceStore;
import dev.quail.engine.lists.ListSummary;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * /api/v1/lists: the mailing lists, one list's settings, its members a page at a time, its bouncing members, create
 * and delete, subscribe and unsubscribe, through {@link ListDesk}: what `quail list` does, from the same code.
 */
final class ListRoutes extends AllDirectives {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Guard guard;
    private final ListDesk desk;

    ListRoutes(Guard guard, ListDesk desk) {
        this.guard = guard;
        this.desk = desk;
    }

    Route route() {
        return pathPrefix(PathMatchers.segment("api").slash("v1").slash("lists"), () -> guard.admin(this::routes));
    }

    private Route routes(Caller caller) {
        return concat(
                pathEnd(() -> concat(
                        get(() -> answer(() -> {
                            ObjectNode all = JSON.createObjectNode();
                            ArrayNode lists = all.putArray("lists");
                            for (ListSummary s : desk.all()) lists.add(summary(s));
                            return all;
                        })),
                        post(() -> formFieldMap(f -> result(() -> desk.create(caller, f)))))),
                path(PathMatchers.segment(), list -> concat(
                        get(() -> answer(() -> summary(desk.show(list)))),
                        delete(() -> result(() -> desk.delete(caller, list))))),
                path(PathMatchers.segment().slash("members"), list -> get(() -> parameterMap(
                        query -> answer(() -> members(desk.members(list, query)))))),
                path(PathMatchers.segment().slash("subscribe"), list -> post(() -> formFieldMap(
                        f -> result(() -> desk.change(caller, list, f, true))))),
                path(PathMatchers.segment().slash("unsubscribe"), list -> post(() -> formFieldMap(
                        f -> result(() -> desk.change(caller, list, f, false))))),
                path(PathMatchers.segment().slash("bounces"), list -> get(
                        () -> answer(() -> bounces(desk.bounces(list))))));
    }

    /** `quail list show`'s fields. */
    static ObjectNode summary(ListSummary s) {
        ObjectNode o = JSON.createObjectNode().put("address", s.name().address());
        if (s.owner().isPresent()) o.put("owner", s.owner().get()); else o.putNull("owner");
        return o.put("moderated", s.moderated()).put("subscribersOnly", s.subscribersOnly())
                .put("members", s.members()).put("posts", s.posts()).put("bouncing", s.bouncing())
                .put("bounceTimeout", s.bounceTimeout().toSeconds()).put("unsubscribeUrl", s.url())
                .put("directory", s.dir().toString());
    }

    private static ObjectNode members(ListDesk.Members page) {
        ObjectNode o = JSON.createObjectNode().put("total", page.page().total()).put("offset", page.offset())
                .put("limit", page.limit());
        ArrayNode members = o.putArray("members");
        page.page().members().forEach(members::add);
        return o;
    }

    /** `quail list bounces`: first bounce, count, where the member stands in ezmlm-warn's cycle, last status. */
    private static ObjectNode bounces(List<BounceStore.Record> records) {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode bounces = o.putArray("bounces");
        for (BounceStore.Record r : records) {
            bounces.addObject().put("member", r.member()).put("first", Instant.ofEpochSecond(r.first()).toString())
                    .put("count", r.count()).put("state", r.state().shown).put("status", r.status());
        }
        return o;
    }

    /** {"result": "created news@lists.example.org"}. */
    private Route result(FileWork.Work<String> action) {
        return answer(() -> JSON.createObjectNode().put("result", action.run()));
    }

    private Route answer(FileWork.Work<ObjectNode> work) {
        return completeWithFuture(desk.attempt(work).thenApply(done -> done.ok()
                ? Replies.ok(done.value().toString() + "\n") : Replies.error(done.status(), done.why())));
    }
}
