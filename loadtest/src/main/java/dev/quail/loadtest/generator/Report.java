/*
 * Report: the run's outcome in the three forms the loadtest prints.
 *
 * progress line (terminal, redrawn):
 *   [#########...........]  45%  sent 9000  accepted 8990  rejected 0  failed 0  2100 msg/s  p50 3.1 ms  p99 9.8 ms
 * plain summary (always the accept rate as "N msg/s"; with --rcpts K > 1 also "N rcpt/s"):
 *   target 127.0.0.1:2525: 20000 messages of 2048 bytes, 1 recipient each, 20 sessions, closed loop
 *   sent 20000, accepted 20000, rejected 0, failed 0 in 4.21 s
 *   accept rate: 4751 msg/s
 *   latency p50 3.9 ms, p99 11.2 ms
 *   delivered 20000 of 20000 in 6.02 s
 *   end-to-end rate: 3322 msg/s
 * JSON (--json): one object, flat, the same numbers; rates in messages/s and recipients/s, times in s
 *   and ms; "ok" mirrors the exit status; "connections" counts the connections made, "connection_mode" says
 *   how they were used (Connections).
 * With --connect-only (HANDSHAKE_ONLY) a message is a connection: the first line says "N connections
 *   (greeting, EHLO, QUIT)" and the rate line "connection rate: N/s"; the JSON keeps its names.
 *
 * ok: every message and recipient accepted, no connection failed, and (when waiting) every expected
 * delivery seen.
 */
package dev.quail.loadtest.generator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

record Report(String target, Optional<Long> messages, Optional<Duration> duration, int size, int recipients,
              int concurrency, OptionalDouble rate, Connections connections, Stats.Snapshot result, Optional<DeliveryWait.Result> delivery) {

    private static final int BAR = 20;

    boolean ok() {
        return result.clean() && delivery.map(DeliveryWait.Result::complete).orElse(true);
    }

    static String progressLine(Stats.Snapshot s, Optional<Long> messages, Optional<Duration> duration) {
        double done = messages.map(m -> (double) s.sent() / m)
                .orElseGet(() -> s.seconds() / duration.orElseThrow().toSeconds());
        done = Math.max(0, Math.min(1, done));
        int filled = (int) Math.round(done * BAR);
        return String.format(Locale.ROOT, "[%s%s] %3d%%  sent %d  accepted %d  rejected %d  failed %d  %s msg/s  "
                        + "p50 %s ms  p99 %s ms",
                "#".repeat(filled), ".".repeat(BAR - filled), Math.round(done * 100), s.sent(), s.accepted(),
                s.rejected(), s.failed() + s.connectionFailures(), rate(s.acceptRate()), millis(s.p50Millis()),
                millis(s.p99Millis()));
    }

    static String waitLine(long delivered, long expected) {
        return "waiting for delivery: " + delivered + " of " + expected;
    }

    List<String> plain() {
        List<String> lines = new ArrayList<>();
        String loop = (concurrency == 1 ? " session, " : " sessions, ")
                + (rate.isPresent() ? "open loop at " + rate(rate.getAsDouble()) + " msg/s" : "closed loop");
        if (connections == Connections.HANDSHAKE_ONLY) {
            lines.add("target " + target + ": " + messages.map(m -> m + " connections").orElseGet(() -> "connections for "
                    + duration.orElseThrow().toMillis() / 1000.0 + " s") + " (greeting, EHLO, QUIT), " + concurrency + loop);
        } else {
            lines.add("target " + target + ": " + messages.map(m -> m + " messages").orElseGet(() -> "messages for "
                    + duration.orElseThrow().toMillis() / 1000.0 + " s") + " of " + size + " bytes, " + recipients
                    + (recipients == 1 ? " recipient" : " recipients") + " each, " + concurrency + loop
                    + (connections == Connections.PER_MESSAGE ? ", a connection per message" : ""));
        }
        lines.add(String.format(Locale.ROOT, "sent %d, accepted %d, rejected %d, failed %d in %.2f s",
                result.sent(), result.accepted(), result.rejected(), result.failed(), result.seconds()));
        if (result.recipientsRejected() > 0) {
            lines.add("recipients accepted " + result.recipientsAccepted() + ", rejected " + result.recipientsRejected());
        }
        if (result.connectionFailures() > 0) {
            lines.add("connection failures: " + result.connectionFailures());
        }
        result.problem().ifPresent(p -> lines.add("first problem: " + p));
        lines.add(connections == Connections.HANDSHAKE_ONLY ? "connection rate: " + rate(result.acceptRate()) + "/s"
                : "accept rate: " + rate(result.acceptRate()) + " msg/s" + perRecipient(result.recipientRate()));
        lines.add("latency p50 " + millis(result.p50Millis()) + " ms, p99 " + millis(result.p99Millis()) + " ms");
        delivery.ifPresent(d -> {
            lines.add(String.format(Locale.ROOT, "delivered %d of %d in %.2f s", d.delivered(), d.expected(), d.seconds()));
            d.problem().ifPresent(p -> lines.add("delivery incomplete: " + p));
            lines.add("end-to-end rate: " + rate(endToEndRate(d)) + " msg/s" + perRecipient(endToEndRecipientRate(d)));
        });
        return lines;
    }

    String json() {
        StringBuilder json = new StringBuilder("{");
        field(json, "target", quote(target));
        field(json, "messages", messages.map(String::valueOf).orElse("null"));
        field(json, "size", String.valueOf(size));
        field(json, "recipients_per_message", String.valueOf(recipients));
        field(json, "concurrency", String.valueOf(concurrency));
        field(json, "rate", rate.isPresent() ? number(rate.getAsDouble()) : "null");
        field(json, "connection_mode", quote(connections.label()));
        field(json, "connections", String.valueOf(result.connections()));
        field(json, "sent", String.valueOf(result.sent()));
        field(json, "accepted", String.valueOf(result.accepted()));
        field(json, "rejected", String.valueOf(result.rejected()));
        field(json, "failed", String.valueOf(result.failed()));
        field(json, "connection_failures", String.valueOf(result.connectionFailures()));
        field(json, "recipients_accepted", String.valueOf(result.recipientsAccepted()));
        field(json, "recipients_rejected", String.valueOf(result.recipientsRejected()));
        field(json, "seconds", number(result.seconds()));
        field(json, "accept_rate", number(result.acceptRate()));
        field(json, "accept_rcpt_rate", number(result.recipientRate()));
        field(json, "p50_ms", number(result.p50Millis()));
        field(json, "p99_ms", number(result.p99Millis()));
        field(json, "problem", result.problem().map(Report::quote).orElse("null"));
        delivery.ifPresent(d -> {
            field(json, "end_to_end_expected", String.valueOf(d.expected()));
            field(json, "end_to_end_delivered", String.valueOf(d.delivered()));
            field(json, "end_to_end_complete", String.valueOf(d.complete()));
            field(json, "end_to_end_seconds", number(d.seconds()));
            field(json, "end_to_end_rate", number(endToEndRate(d)));
            field(json, "end_to_end_rcpt_rate", number(endToEndRecipientRate(d)));
        });
        field(json, "ok", String.valueOf(ok()));
        return json.append('}').toString();
    }

    private double endToEndRecipientRate(DeliveryWait.Result d) {
        return d.seconds() > 0 ? d.delivered() / d.seconds() : 0;
    }

    private double endToEndRate(DeliveryWait.Result d) {
        return endToEndRecipientRate(d) / recipients;
    }

    private String perRecipient(double recipientRate) {
        return recipients == 1 ? "" : " (" + rate(recipientRate) + " rcpt/s)";
    }

    private static String rate(double perSecond) {
        return perSecond >= 100 ? String.valueOf(Math.round(perSecond)) : String.format(Locale.ROOT, "%.1f", perSecond);
    }

    private static String millis(double ms) {
        return ms >= 100 ? String.valueOf(Math.round(ms)) : String.format(Locale.ROOT, "%.1f", ms);
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    private static void field(StringBuilder json, String name, String value) {
        if (json.length() > 1) {
            json.append(',');
        }
        json.append('"').append(name).append("\":").append(value);
    }

    private static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20) {
                quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
