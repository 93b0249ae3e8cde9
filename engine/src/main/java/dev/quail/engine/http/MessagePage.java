package dev.quail.engine.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * One message: its envelope, each recipient's state and last report, the actions on it, and its trace: every event
 * of its life from the journal, to which trace.js appends each new one as the API's trace stream sends it.
 */
final class MessagePage {
    private MessagePage() {}

    static Html render(Caller caller, JsonNode m) {
        String id = m.path("id").asText();
        List<Html> recipients = new ArrayList<>();
        for (JsonNode r : m.path("recipients")) {
            recipients.add(Html.of("<tr><td>{}</td><td>{}</td><td class=\"status\">{}</td><td><pre>{}</pre></td></tr>",
                    r.path("address").asText(), r.path("channel").asText(), r.path("status").asText(),
                    r.path("report").asText()));
        }
        List<Html> actions = new ArrayList<>();
        for (String action : QueueLines.ACTIONS) {
            actions.add(Pages.form(caller, "/messages/" + WebRoutes.encode(id) + "/" + action, Html.of(""), action));
        }
        List<Html> events = new ArrayList<>();
        for (JsonNode e : m.path("events")) {
            events.add(Html.of("<li data-seq=\"{}\" class=\"event-{}\">{}</li>", e.path("seq").asText(),
                    e.path("event").asText(), line(e)));
        }
        return Html.of("""
                <table id="envelope"><tr><th>id</th><td>{}</td></tr><tr><th>state</th><td id="state">{}</td></tr>\
                <tr><th>queued</th><td>{}</td></tr><tr><th>sender</th><td id="sender">{}</td></tr>\
                <tr><th>from</th><td>{}</td></tr><tr><th>bytes</th><td>{}</td></tr></table>\
                <p id="actions">{}</p><h2>Recipients</h2><table id="recipients"><tr><th>address</th><th>channel</th>\
                <th>status</th><th>last report</th></tr>{}</table>\
                <h2>Trace <small id="trace-state"></small></h2><ol id="trace" data-stream="{}">{}</ol>\
                <script src="/trace.js"></script>""", id, m.path("state").asText(), m.path("queued").asText(),
                m.path("sender").asText(), m.path("origin").asText(), m.path("bytes").asText(), actions, recipients,
                "/api/v1/messages/" + WebRoutes.encode(id) + "/trace", events);
    }

    /** An event as one line of text; trace.js writes new ones the same way. */
    static String line(JsonNode e) {
        StringJoiner line = new StringJoiner(" ");
        line.add(e.path("time").asText()).add(e.path("event").asText());
        if (e.has("recipient")) line.add(e.path("recipient").asText());
        if (e.has("channel")) line.add("(" + e.path("channel").asText() + ")");
        if (e.has("at")) line.add("at " + e.path("at").asText());
        if (e.has("sender")) line.add("from <" + e.path("sender").asText() + ">");
        if (e.has("bounce")) line.add("bounce " + e.path("bounce").asText());
        if (e.has("report")) line.add("— " + e.path("report").asText().strip());
        return line.toString();
    }
}
