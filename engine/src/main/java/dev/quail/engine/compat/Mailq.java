package dev.quail.engine.compat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The queue as Postfix's {@code mailq} / {@code sendmail -bp} prints it (SM-01's -bp, QREAD-01's information), from
 * the server's {@code qread --json} answer, so that scripts and people used to Postfix read it as they always have:
 * <pre>
 * -Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------
 * 1f3a9c0e2b!     1520 Mon Feb  3 09:12:42  joe@example.org
 * (Connected to 192.0.2.1 but connection died. (#4.4.2))
 *                                          ann@example.net
 *
 * -- 1 Kbytes in 1 Request.
 * </pre>
 * One entry per queued message: its id, {@code !} when it is held, its size, its arrival in local time, its sender
 * ({@code MAILER-DAEMON} for {@code <>}), then each recipient not yet delivered, under the last reason it was
 * deferred for when it has one. As with Postfix's long queue ids, an id longer than 10 characters pushes the rest
 * of its line to the right; recipients stay in column 42. An empty queue is {@code Mail queue is empty}.
 */
public final class Mailq {
    /** What mailq shows of one queued message. */
    public record Message(String id, Instant queued, long bytes, String sender, boolean held, List<Pending> pending) {}

    /** A recipient not yet delivered, and the report of its last deferral ("" when it has not been tried). */
    public record Pending(String address, String report) {}

    private static final String HEADER = "-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------\n";
    /** Where Postfix puts recipients: under the sender of an entry whose id fits its 10 columns. */
    private static final String RECIPIENT_INDENT = " ".repeat(41);
    private static final DateTimeFormatter ARRIVAL = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss", Locale.ROOT);

    private Mailq() {}

    public static String format(List<Message> messages, ZoneId zone) {
        if (messages.isEmpty()) return "Mail queue is empty\n";
        StringBuilder b = new StringBuilder(HEADER);
        long bytes = 0;
        for (Message m : messages) {
            bytes += m.bytes();
            b.append(String.format(Locale.ROOT, "%-10s%c%8d %-20s %s\n", m.id(), m.held() ? '!' : ' ', m.bytes(),
                    ARRIVAL.format(m.queued().atZone(zone)), m.sender().isEmpty() ? "MAILER-DAEMON" : m.sender()));
            Map<String, List<String>> byReason = new LinkedHashMap<>();
            for (Pending p : m.pending()) byReason.computeIfAbsent(p.report(), r -> new ArrayList<>()).add(p.address());
            byReason.forEach((reason, addresses) -> {
                if (!reason.isEmpty()) b.append('(').append(reason.strip().replace('\n', ' ')).append(")\n");
                for (String a : addresses) b.append(RECIPIENT_INDENT).append(a).append('\n');
            });
            b.append('\n');
        }
        int n = messages.size();
        return b.append("-- ").append(bytes / 1024).append(" Kbytes in ").append(n)
                .append(n == 1 ? " Request.\n" : " Requests.\n").toString();
    }

    /** The messages of the server's {@code qread --json} answer; only recipients still pending are kept. */
    public static List<Message> parse(String json) throws IOException {
        List<Message> messages = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(json)) {
            expect(p, JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                p.nextToken();
                if (!p.currentName().equals("messages")) {
                    p.skipChildren();
                    continue;
                }
                while (p.nextToken() == JsonToken.START_OBJECT) messages.add(message(p));
            }
        }
        return messages;
    }

    private static Message message(JsonParser p) throws IOException {
        String id = "";
        Instant queued = Instant.EPOCH;
        long bytes = 0;
        String sender = "";
        boolean held = false;
        List<Pending> pending = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "id" -> id = p.getText();
                case "queued" -> queued = Instant.parse(p.getText());
                case "bytes" -> bytes = p.getLongValue();
                case "sender" -> sender = p.getText();
                case "held" -> held = p.getBooleanValue();
                case "recipients" -> {
                    while (p.nextToken() == JsonToken.START_OBJECT) recipient(p, pending);
                }
                default -> p.skipChildren();
            }
        }
        return new Message(id, queued, bytes, sender, held, pending);
    }

    private static void recipient(JsonParser p, List<Pending> pending) throws IOException {
        String address = "";
        String status = "";
        String report = "";
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            switch (name) {
                case "address" -> address = p.getText();
                case "status" -> status = p.getText();
                case "report" -> report = p.getText();
                default -> p.skipChildren();
            }
        }
        if (status.equals("pending")) pending.add(new Pending(address, report));
    }

    private static void expect(JsonParser p, JsonToken token) throws IOException {
        if (p.nextToken() != token) throw new IOException("not the server's qread --json answer");
    }
}
