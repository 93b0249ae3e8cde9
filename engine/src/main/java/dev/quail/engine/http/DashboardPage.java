package dev.quail.engine.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quail.engine.metrics.Rates;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The dashboard: alerts first (an unhealthy journal, a suspended site, hosts marked down), then the counts since
 * start with their rates per minute, the queue by state and channel, its qshape table and the sites, with their suspend and resume. Made from
 * qstat, qshape, sites and tcpto, as JSON, each of which may be an {"error": ...} when the Admin could not answer.
 */
final class DashboardPage {
    private DashboardPage() {}

    static Html render(Caller caller, JsonNode stat, JsonNode shape, JsonNode sites, JsonNode tcpto,
                       Map<String, Double> totals, Map<String, Rates.PerMinute> rates) {
        return Html.of("<section id=\"alerts\">{}</section><h2>Since start, and per minute</h2>{}<h2>Queue</h2>{}{}"
                + "<h2>Sites</h2>{}", alerts(stat, sites, tcpto), totals(totals, rates), queue(stat, shape), shape(shape),
                sites(caller, sites));
    }

    private static Html alerts(JsonNode stat, JsonNode sites, JsonNode tcpto) {
        List<Html> alerts = new ArrayList<>();
        for (JsonNode answer : List.of(stat, sites, tcpto)) {
            if (answer.has("error")) alerts.add(alert("unable to ask the queue: {}", answer.path("error").asText()));
        }
        JsonNode journal = stat.path("journal");
        if (!journal.isMissingNode() && !journal.path("ok").asBoolean()) {
            alerts.add(alert("the journal is unhealthy: {}", journal.path("detail").asText()));
        }
        for (JsonNode site : sites.path("sites")) {
            if (site.has("suspendedUntil")) {
                alerts.add(alert("site {} is suspended until {}: {}", site.path("site").asText(),
                        site.path("suspendedUntil").asText(), site.path("reason").asText()));
            }
        }
        for (JsonNode host : tcpto.path("hosts")) {
            alerts.add(alert("host {} ({}) is marked down after {} connection timeouts", host.path("ip").asText(),
                    host.path("destination").asText(), host.path("timeouts").asText()));
        }
        return alerts.isEmpty() ? Html.of("<p id=\"no-alerts\">No alerts.</p>") : Html.join(alerts);
    }

    private static Html alert(String template, Object... values) {
        return Html.of("<p class=\"alert\">{}</p>", Html.of(template, values));
    }

    /** Each count since start, and per minute over the last minute and the last 15 (blank until sampled). */
    private static Html totals(Map<String, Double> totals, Map<String, Rates.PerMinute> rates) {
        List<Html> rows = new ArrayList<>();
        totals.forEach((name, value) -> {
            Rates.PerMinute r = rates.get(name);
            rows.add(Html.of("<tr><th>{}</th><td id=\"total-{}\">{}</td><td id=\"rate-{}\">{}</td><td>{}</td></tr>", name,
                    name, String.valueOf(value.longValue()), name, r == null ? "" : perMinute(r.lastMinute()),
                    r == null ? "" : perMinute(r.lastLong())));
        });
        return Html.of("<table><tr><th></th><th>since start</th><th>last minute</th><th>last 15 minutes</th></tr>{}"
                + "</table>", rows);
    }

    private static String perMinute(double rate) {
        return String.format(Locale.ROOT, rate < 10 ? "%.1f/min" : "%.0f/min", rate);
    }

    private static Html queue(JsonNode stat, JsonNode shape) {
        List<Html> rows = new ArrayList<>();
        rows.add(Html.of("<tr><th>messages</th><td id=\"messages\">{}</td></tr>", stat.path("messages").asText()));
        rows.add(Html.of("<tr><th>not yet processed</th><td>{}</td></tr>", stat.path("unprocessed").asText()));
        shape.path("states").fields().forEachRemaining(e -> rows.add(Html.of(
                "<tr><th><a href=\"/queue?state={}\">{}</a></th><td>{}</td></tr>", e.getKey(), e.getKey(),
                e.getValue().asText())));
        shape.path("channels").fields().forEachRemaining(e -> rows.add(Html.of(
                "<tr><th>{} recipients</th><td>{}</td></tr>", e.getKey(), e.getValue().asText())));
        return Html.of("<table id=\"queue\">{}</table>", rows);
    }

    /** qshape: pending recipients by destination and age. */
    private static Html shape(JsonNode shape) {
        List<Html> head = new ArrayList<>();
        for (JsonNode bucket : shape.path("buckets")) head.add(Html.of("<th>{}</th>", bucket.asText()));
        List<Html> rows = new ArrayList<>();
        for (JsonNode d : shape.path("destinations")) {
            List<Html> counts = new ArrayList<>();
            for (JsonNode n : d.path("counts")) counts.add(Html.of("<td>{}</td>", n.asText()));
            String destination = d.path("destination").asText();
            rows.add(Html.of("<tr><td><a href=\"/queue?destination={}\">{}</a></td><td>{}</td>{}</tr>",
                    WebRoutes.encode(destination), destination, d.path("total").asText(), counts));
        }
        return rows.isEmpty() ? Html.of("") : Html.of(
                "<table id=\"shape\"><tr><th>destination</th><th>total</th>{}</tr>{}</table>", head, rows);
    }

    /** The sites, a suspended one with its resume, and a form to suspend any site or domain. */
    private static Html sites(Caller caller, JsonNode sites) {
        List<Html> rows = new ArrayList<>();
        for (JsonNode s : sites.path("sites")) {
            String site = s.path("site").asText();
            boolean suspended = s.has("suspendedUntil");
            rows.add(Html.of("<tr data-site=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                    + "</tr>", site, site, s.path("connections").asText(), s.path("queuedRecipients").asText(),
                    s.path("lastMinute").asText(), s.path("limits").asText(), suspended ? Html.of("until {}: {} {}",
                            s.path("suspendedUntil").asText(), s.path("reason").asText(), Pages.form(caller,
                                    "/sites/resume", Pages.hidden("site", site), "Resume")) : Html.of("")));
        }
        Html suspend = Pages.form(caller, "/sites/suspend", Html.of("<label>Site or domain <input name=\"site\" "
                + "id=\"suspend-site\" placeholder=\".google.com or example.org\" required></label> <label>for "
                + "<input name=\"seconds\" id=\"suspend-seconds\" value=\"600\" size=\"6\"> s</label> <label>"
                + "reason <input name=\"reason\" id=\"suspend-reason\"></label> "), "Suspend");
        return Html.of("{}<p id=\"suspend\">{}</p>", rows.isEmpty() ? Html.of("<p>No remote site in use.</p>")
                : Html.of("<table id=\"sites\"><tr><th>site</th><th>connections</th><th>queued recipients</th>"
                        + "<th>messages in the last minute</th><th>limits</th><th>suspended</th></tr>{}</table>", rows),
                suspend);
    }
}
