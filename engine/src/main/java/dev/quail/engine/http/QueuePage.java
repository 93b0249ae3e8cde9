package dev.quail.engine.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The queue browser: the API's filters as a form, the page of messages qread picks (each linked to its page), the
 * hold, release, delete and flush of every message the filters pick, and the next and previous pages.
 */
final class QueuePage {
    private QueuePage() {}

    static Html render(Caller caller, Map<String, String> asked, JsonNode list) {
        int total = list.path("total").asInt();
        List<Html> rows = new ArrayList<>();
        for (JsonNode m : list.path("messages")) rows.add(row(m));
        return Html.of("{}<p id=\"total\">{} messages match.</p>{}{}{}", filters(asked), String.valueOf(total),
                actions(caller, asked), rows.isEmpty() ? Html.of("") : Html.of("<table id=\"messages\"><tr>"
                        + "<th>id</th><th>state</th><th>queued</th><th>sender</th><th>recipients</th></tr>{}</table>",
                        rows), pages(asked, total));
    }

    /** The filters, and the page, as a query string ("" without any), for links and redirects. */
    static String query(Map<String, String> parameters) {
        String q = new TreeMap<>(parameters).entrySet().stream()
                .map(e -> WebRoutes.encode(e.getKey()) + "=" + WebRoutes.encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return q.isEmpty() ? "" : "?" + q;
    }

    private static Html filters(Map<String, String> asked) {
        List<Html> fields = new ArrayList<>();
        for (String name : QueueLines.FILTERS) {
            fields.add(Html.of("<label>{} <input name=\"{}\" id=\"filter-{}\" value=\"{}\"></label> ", name, name,
                    name, asked.getOrDefault(name, "")));
        }
        return Html.of("<form method=\"get\" action=\"/queue\" id=\"filters\">{}<button type=\"submit\">Filter"
                + "</button></form>", fields);
    }

    /** Each action on every message the filters pick (a flush without a filter retries the whole queue). */
    private static Html actions(Caller caller, Map<String, String> asked) {
        List<Html> hidden = new ArrayList<>();
        for (String name : QueueLines.FILTERS) {
            if (asked.containsKey(name)) hidden.add(Pages.hidden(name, asked.get(name)));
        }
        List<Html> forms = new ArrayList<>();
        for (String action : QueueLines.ACTIONS) {
            forms.add(Pages.form(caller, "/queue/" + action, Html.join(hidden), action + " all these"));
        }
        return Html.of("<p id=\"bulk\">{}</p>", forms);
    }

    private static Html row(JsonNode m) {
        String id = m.path("id").asText();
        List<Html> recipients = new ArrayList<>();
        for (JsonNode r : m.path("recipients")) {
            recipients.add(Html.of("<div>{} ({}, {}){}</div>", r.path("address").asText(),
                    r.path("channel").asText(), r.path("status").asText(),
                    r.has("report") ? Html.of("<pre>{}</pre>", r.path("report").asText()) : Html.of("")));
        }
        return Html.of("<tr id=\"message-{}\"><td><a href=\"/messages/{}\">{}</a></td><td class=\"state\">{}</td>"
                + "<td>{}</td><td>{}</td><td>{}</td></tr>", id, WebRoutes.encode(id), id, m.path("state").asText(),
                m.path("queued").asText(), m.path("sender").asText(), recipients);
    }

    private static Html pages(Map<String, String> asked, int total) {
        int offset = Math.max(0, number(asked.get("offset"), 0));
        int limit = Math.max(1, number(asked.get("limit"), QueueLines.DEFAULT_LIMIT));
        List<Html> links = new ArrayList<>();
        if (offset > 0) links.add(link(asked, Math.max(0, offset - limit), "previous"));
        if (offset + limit < total) links.add(link(asked, offset + limit, "next"));
        return Html.of("<p>{}</p>", links);
    }

    private static Html link(Map<String, String> asked, int offset, String label) {
        Map<String, String> page = new TreeMap<>(asked);
        page.put("offset", String.valueOf(offset));
        return Html.of("<a href=\"/queue{}\">{}</a> ", query(page), label);
    }

    private static int number(String text, int otherwise) {
        try {
            return text == null ? otherwise : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
